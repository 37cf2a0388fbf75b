/* rpds_twin: the object-making operations of the rpds port (examples/rpds)
 * written in C against HPy 0.9, calling the very same `rpds` crate (1.2.1,
 * archery 1.2.3) through the small Rust staticlib of rust/ (its extern "C"
 * API: rust/src/lib.rs). The floor that bench/rpds-twin-run measures the
 * port against on PyPy 7.3.19: the rpds crate's own work plus the HPy
 * calls a C binding makes, and nothing else.
 *
 * Objects are held the way the port holds them (docs/shared-objects.md):
 * a family of collections (one built by a constructor and those made from
 * it) shares one `Store` object, which keeps every Python object of the
 * family in a slot (an HPyField inside a block that never moves, written
 * with the store as owner) and reports the live slots from its
 * tp_traverse; each collection holds its store in a field (reported by its
 * own tp_traverse) and its Rust structure, freed by its tp_destroy. So a
 * constructor makes two objects (the store and the collection), and
 * insert, push_front, enqueue, dequeue and push make one, as the port.
 * One operation makes none: HashTrieMap's hash (rpds-py's formula over
 * every entry's key hash and Python `hash` of its value).
 *
 * Levers (issue 40, item 3), compile-time switches, one module each
 * (setup.py):
 *
 *   TWIN_DESTROY 1 (default) collections free their Rust structure in
 *                tp_destroy (correct); 2 an empty tp_destroy (the
 *                structure leaks: what PyPy's per-instance finalizer
 *                costs without the freeing); 0 no tp_destroy on the
 *                collections (the structure and the slots it names leak:
 *                against 2, what the finalizer alone costs).
 *
 * GC tracking is no lever here: every class holds an object (a collection
 * its store, the store the family's objects), and PyPy 7.3.19's
 * HPyField_Store stops the process (an RPython AssertionError) when the
 * owner's class has no tp_traverse (TWIN_GC 0 builds that, to show it).
 *
 * Methods take their arguments as the original's do, positionally or by
 * keyword (HPyFunc_KEYWORDS: `push_front(other=x)` works in rpds-py), as
 * the port's do.
 *
 * Iterables are read as the port's SDK reads them in the universal ABI: an
 * exact list or tuple by index (HPy_GetItem_i), an exact range by computing
 * its items, a dict through HPyDict_Keys and HPy_GetItem, anything else
 * through the builtins iter and next. PyPy only (a slot's release is its
 * zeroing, see rust/src/lib.rs).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpy.h"
#include "../hpy_twin.h"

#ifndef TWIN_NAME
#define TWIN_NAME rpds_twin
#endif
#ifndef TWIN_DESTROY
#define TWIN_DESTROY 1
#endif
#ifndef TWIN_GC
#define TWIN_GC 1
#endif

#define STR_(x) #x
#define STR(x) STR_(x)
#define MODNAME STR(TWIN_NAME)

/* ---- the Rust side (rust/src/lib.rs) ---- */

typedef struct Store Store;
typedef struct Slot Slot; /* starts with its HPyField */
typedef int (*twin_visit)(Slot *, void *);

Store *twin_store_new(void);
Slot *twin_store_take(Store *);
void twin_store_release(Store *);
void twin_item_drop(Slot *);
int twin_store_traverse(Store *, twin_visit, void *);

void *twin_map_new(void);
void twin_map_free(void *);
void twin_map_insert_mut(void *, HPy_ssize_t, Slot *, Slot *);
void *twin_map_insert(void *, HPy_ssize_t, Slot *, Slot *);
size_t twin_map_len(void *);
HPy_ssize_t twin_map_hash(void *, HPy_ssize_t (*)(Slot *));
void *twin_set_new(void);
void twin_set_free(void *);
void twin_set_insert_mut(void *, HPy_ssize_t, Slot *);
size_t twin_set_len(void *);
void *twin_list_new(void);
void twin_list_free(void *);
void twin_list_push_front_mut(void *, Slot *);
void *twin_list_push_front(void *, Slot *);
size_t twin_list_len(void *);
Slot *twin_list_first(void *);
void *twin_queue_new(void);
void twin_queue_free(void *);
void twin_queue_enqueue_mut(void *, Slot *);
void *twin_queue_enqueue(void *, Slot *);
void *twin_queue_dequeue(void *);
size_t twin_queue_len(void *);
Slot *twin_queue_peek(void *);
void *twin_stack_new(void);
void twin_stack_free(void *);
void twin_stack_push_mut(void *, Slot *);
void *twin_stack_push(void *, Slot *);
size_t twin_stack_len(void *);
Slot *twin_stack_peek(void *);

#define FIELD(slot) ((HPyField *)(slot))

static long objects_made;

/* ---- Store ---- */

typedef struct {
    Store *store;
} StoreObject;

HPyType_HELPERS(StoreObject)

static HPyGlobal g_Store, g_HashTrieMap, g_HashTrieSet, g_List, g_Queue, g_Stack, g_range;

HPyDef_SLOT(Store_traverse, HPy_tp_traverse)
static int Store_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    Store *s = ((StoreObject *)self)->store;
    return s ? twin_store_traverse(s, (twin_visit)visit, arg) : 0;
}

HPyDef_SLOT(Store_destroy, HPy_tp_destroy)
static void Store_destroy_impl(void *self)
{
    Store *s = ((StoreObject *)self)->store;
    if (s)
        twin_store_release(s);
}

static HPyDef *Store_defines[] = {&Store_traverse, &Store_destroy, NULL};

static HPyType_Spec Store_spec = {
    .name = MODNAME ".Store",
    .basicsize = sizeof(StoreObject),
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Store_defines,
};

/* The store whose objects twin_key_eq reads (the one of the operation
 * running: operations do not nest). */
static HPyContext *cur_ctx;
static HPy cur_store;

/* The arguments of a HPyFunc_KEYWORDS method taking `n` parameters named
 * `names`, positionally or by keyword, as the original's (PyO3) methods
 * do: the positional call (no keywords) is checked by count only. Fills
 * out[0..n] (borrowed); -1 with TypeError. */
static int params(HPyContext *ctx, const HPy *args, size_t nargs, HPy kwnames,
                  const char *const *names, size_t n, HPy *out)
{
    if (HPy_IsNull(kwnames)) {
        if (nargs == n) {
            for (size_t i = 0; i < n; i++)
                out[i] = args[i];
            return 0;
        }
        HPyErr_SetString(ctx, ctx->h_TypeError, "wrong number of arguments");
        return -1;
    }
    HPy_ssize_t nkw = HPy_Length(ctx, kwnames);
    if (nargs + nkw != n)
        goto bad;
    for (size_t i = 0; i < nargs; i++)
        out[i] = args[i];
    for (HPy_ssize_t k = 0; k < nkw; k++) {
        HPy name = HPy_GetItem_i(ctx, kwnames, k);
        const char *s = HPyUnicode_AsUTF8AndSize(ctx, name, NULL);
        size_t i = nargs;
        while (s && i < n && strcmp(s, names[i]) != 0)
            i++;
        HPy_Close(ctx, name);
        if (!s || i == n)
            goto bad;
        out[i] = args[nargs + k];
    }
    return 0;
bad:
    if (!HPyErr_Occurred(ctx))
        HPyErr_SetString(ctx, ctx->h_TypeError, "unexpected keyword arguments");
    return -1;
}

/* Python `==` of two slots' objects, for the Rust keys. */
int twin_key_eq(Slot *a, Slot *b)
{
    HPyContext *ctx = cur_ctx;
    HPy x = HPyField_Load(ctx, cur_store, *FIELD(a));
    HPy y = HPyField_Load(ctx, cur_store, *FIELD(b));
    int r = HPy_RichCompareBool(ctx, x, y, HPy_EQ);
    HPy_Close(ctx, x);
    HPy_Close(ctx, y);
    if (r < 0)
        HPyErr_Clear(ctx);
    return r;
}

static HPy new_store(HPyContext *ctx)
{
    StoreObject *data;
    HPy t = HPyGlobal_Load(ctx, g_Store);
    HPy h = HPy_New(ctx, t, &data);
    HPy_Close(ctx, t);
    if (HPy_IsNull(h))
        return h;
    objects_made++;
    data->store = twin_store_new();
    return h;
}

/* A slot of `store` holding `obj` (the caller's item). */
static inline Slot *stash(HPyContext *ctx, HPy store_h, Store *s, HPy obj)
{
    Slot *slot = twin_store_take(s);
    HPyField_Store(ctx, store_h, FIELD(slot), obj);
    return slot;
}

/* ---- the collections ---- */

typedef struct {
    HPyField store;
    void *inner;
} CollObject;

HPyType_HELPERS(CollObject)

static Store *store_of(HPyContext *ctx, HPy store_h)
{
    return StoreObject_AsStruct(ctx, store_h)->store;
}

/* A new instance of the class in `type` holding `inner`, its store `store_h`. */
static HPy new_coll(HPyContext *ctx, HPyGlobal type, HPy store_h, void *inner)
{
    CollObject *c;
    HPy t = HPyGlobal_Load(ctx, type);
    HPy h = HPy_New(ctx, t, &c);
    HPy_Close(ctx, t);
    if (HPy_IsNull(h))
        return h;
    objects_made++;
    HPyField_Store(ctx, h, &c->store, store_h);
    c->inner = inner;
    return h;
}

/* The store of a collection (a new handle). */
static HPy load_store(HPyContext *ctx, HPy self)
{
    return HPyField_Load(ctx, self, CollObject_AsStruct(ctx, self)->store);
}

#if TWIN_GC
#define COLL_FLAGS (HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC)
#define COLL_TRAVERSE(P)                                                          \
    HPyDef_SLOT(P##_traverse, HPy_tp_traverse)                                    \
    static int P##_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg) \
    {                                                                             \
        HPy_VISIT(&((CollObject *)self)->store);                                  \
        return 0;                                                                 \
    }
#define COLL_TRAVERSE_DEF(P) &P##_traverse,
#else
#define COLL_FLAGS HPy_TPFLAGS_DEFAULT
#define COLL_TRAVERSE(P)
#define COLL_TRAVERSE_DEF(P)
#endif

#if TWIN_DESTROY
#define COLL_DESTROY(P, FREE)                       \
    HPyDef_SLOT(P##_destroy, HPy_tp_destroy)        \
    static void P##_destroy_impl(void *self)        \
    {                                               \
        void *inner = ((CollObject *)self)->inner;  \
        if (inner && TWIN_DESTROY == 1)             \
            FREE(inner);                            \
    }
#define COLL_DESTROY_DEF(P) &P##_destroy,
#else
#define COLL_DESTROY(P, FREE)
#define COLL_DESTROY_DEF(P)
#endif

#define COLL_LEN(P, LEN)                                      \
    HPyDef_SLOT(P##_len, HPy_sq_length)                       \
    static HPy_ssize_t P##_len_impl(HPyContext *ctx, HPy self) \
    {                                                         \
        return (HPy_ssize_t)LEN(CollObject_AsStruct(ctx, self)->inner); \
    }

/* ---- reading an iterable ---- */

/* A builtin by name (ctx->h_Builtins is the builtins' dict on PyPy). */
static HPy builtin(HPyContext *ctx, const char *name)
{
    if (HPyDict_Check(ctx, ctx->h_Builtins))
        return HPy_GetItem_s(ctx, ctx->h_Builtins, name);
    return HPy_GetAttr_s(ctx, ctx->h_Builtins, name);
}

typedef struct {
    int mode; /* 0 by index, 1 range, 2 iterator */
    HPy obj;  /* the sequence or the iterator (owned) */
    HPy next; /* builtins.next (mode 2) */
    HPy_ssize_t i, n, start, step;
} Reader;

static int reader_open(HPyContext *ctx, Reader *r, HPy iterable)
{
    r->next = HPy_NULL;
    r->i = 0;
    if (HPyList_Check(ctx, iterable) || HPyTuple_Check(ctx, iterable)) {
        HPy t = HPy_Type(ctx, iterable);
        int exact = HPy_Is(ctx, t, ctx->h_ListType) || HPy_Is(ctx, t, ctx->h_TupleType);
        HPy_Close(ctx, t);
        if (exact) {
            r->mode = 0;
            r->obj = HPy_Dup(ctx, iterable);
            return 0;
        }
    }
    HPy t = HPy_Type(ctx, iterable);
    HPy range = HPyGlobal_Load(ctx, g_range);
    int is_range = HPy_Is(ctx, t, range);
    HPy_Close(ctx, t);
    HPy_Close(ctx, range);
    if (is_range) {
        HPy a = HPy_GetAttr_s(ctx, iterable, "start");
        HPy b = HPy_GetAttr_s(ctx, iterable, "step");
        r->start = HPyLong_AsSsize_t(ctx, a);
        r->step = HPyLong_AsSsize_t(ctx, b);
        HPy_Close(ctx, a);
        HPy_Close(ctx, b);
        r->n = HPy_Length(ctx, iterable);
        if (HPyErr_Occurred(ctx))
            return -1;
        r->mode = 1;
        r->obj = HPy_NULL;
        return 0;
    }
    HPy iter = builtin(ctx, "iter");
    r->next = builtin(ctx, "next");
    if (HPy_IsNull(iter) || HPy_IsNull(r->next))
        return -1;
    r->obj = HPy_Call(ctx, iter, &iterable, 1, HPy_NULL);
    HPy_Close(ctx, iter);
    if (HPy_IsNull(r->obj))
        return -1;
    r->mode = 2;
    return 0;
}

/* The next item (new handle), or HPy_NULL at the end (no error) or on an error. */
static HPy reader_next(HPyContext *ctx, Reader *r)
{
    switch (r->mode) {
    case 0: {
        if (r->i >= HPy_Length(ctx, r->obj))
            return HPy_NULL;
        return HPy_GetItem_i(ctx, r->obj, r->i++);
    }
    case 1:
        if (r->i >= r->n)
            return HPy_NULL;
        return HPyLong_FromSsize_t(ctx, r->start + r->step * r->i++);
    default: {
        HPy item = HPy_Call(ctx, r->next, &r->obj, 1, HPy_NULL);
        if (HPy_IsNull(item) && HPyErr_ExceptionMatches(ctx, ctx->h_StopIteration))
            HPyErr_Clear(ctx);
        return item;
    }
    }
}

static void reader_close(HPyContext *ctx, Reader *r)
{
    HPy_Close(ctx, r->obj);
    HPy_Close(ctx, r->next);
}

/* ---- HashTrieMap ---- */

COLL_TRAVERSE(HashTrieMap)
COLL_DESTROY(HashTrieMap, twin_map_free)
COLL_LEN(HashTrieMap, twin_map_len)

/* Inserts one (key, value) into `map`; the handles stay the caller's. */
static int map_put(HPyContext *ctx, HPy sh, Store *s, void *map, HPy k, HPy v)
{
    HPy_hash_t hash = HPy_Hash(ctx, k);
    if (hash == -1)
        return -1;
    Slot *ks = stash(ctx, sh, s, k);
    Slot *vs = stash(ctx, sh, s, v);
    twin_map_insert_mut(map, hash, ks, vs);
    return 0;
}

/* Inserts the items of a dict (read as a list of its keys and a look-up
 * each), or of an iterable of pairs, into `map`. */
static int map_extend(HPyContext *ctx, HPy sh, Store *s, void *map, HPy value)
{
    if (!HPyDict_Check(ctx, value)) {
        Reader r;
        if (reader_open(ctx, &r, value) < 0)
            return -1;
        HPy pair;
        int rc = 0;
        while (rc == 0 && !HPy_IsNull(pair = reader_next(ctx, &r))) {
            HPy k = HPy_GetItem_i(ctx, pair, 0);
            HPy v = HPy_GetItem_i(ctx, pair, 1);
            rc = (HPy_IsNull(k) || HPy_IsNull(v)) ? -1 : map_put(ctx, sh, s, map, k, v);
            HPy_Close(ctx, k);
            HPy_Close(ctx, v);
            HPy_Close(ctx, pair);
        }
        reader_close(ctx, &r);
        return (rc < 0 || HPyErr_Occurred(ctx)) ? -1 : 0;
    }
    HPy keys = HPyDict_Keys(ctx, value);
    if (HPy_IsNull(keys))
        return -1;
    HPy_ssize_t n = HPy_Length(ctx, keys);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy k = HPy_GetItem_i(ctx, keys, i);
        HPy v = HPy_GetItem(ctx, value, k);
        int rc = HPy_IsNull(v) ? -1 : map_put(ctx, sh, s, map, k, v);
        HPy_Close(ctx, k);
        HPy_Close(ctx, v);
        if (rc < 0) {
            HPy_Close(ctx, keys);
            return -1;
        }
    }
    HPy_Close(ctx, keys);
    return 0;
}

HPyDef_SLOT(HashTrieMap_new, HPy_tp_new)
static HPy HashTrieMap_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs,
                                HPy kw)
{
    HPy sh = new_store(ctx);
    if (HPy_IsNull(sh))
        return sh;
    Store *s = store_of(ctx, sh);
    void *map = twin_map_new();
    cur_ctx = ctx;
    cur_store = sh;
    if (nargs == 1 && map_extend(ctx, sh, s, map, args[0]) < 0) {
        twin_map_free(map);
        HPy_Close(ctx, sh);
        return HPy_NULL;
    }
    HPy h = new_coll(ctx, g_HashTrieMap, sh, map);
    HPy_Close(ctx, sh);
    return h;
}

static const char *const insert_names[] = {"key", "value"};

HPyDef_METH(HashTrieMap_insert, "insert", HPyFunc_KEYWORDS)
static HPy HashTrieMap_insert_impl(HPyContext *ctx, HPy self, const HPy *argv, size_t nargs,
                                   HPy kwnames)
{
    HPy args[2];
    if (params(ctx, argv, nargs, kwnames, insert_names, 2, args) < 0)
        return HPy_NULL;
    HPy_hash_t hash = HPy_Hash(ctx, args[0]);
    if (hash == -1)
        return HPy_NULL;
    HPy sh = load_store(ctx, self);
    Store *s = store_of(ctx, sh);
    Slot *ks = stash(ctx, sh, s, args[0]);
    Slot *vs = stash(ctx, sh, s, args[1]);
    cur_ctx = ctx;
    cur_store = sh;
    void *map = twin_map_insert(CollObject_AsStruct(ctx, self)->inner, hash, ks, vs);
    HPy h = new_coll(ctx, g_HashTrieMap, sh, map);
    HPy_Close(ctx, sh);
    return h;
}

/* HashTrieMap.convert: set on the class as a plain function (no binding),
 * calling the class as the port does. */
static const char *const convert_names[] = {"value"};

HPyDef_METH(map_convert, "_convert", HPyFunc_KEYWORDS)
static HPy map_convert_impl(HPyContext *ctx, HPy module, const HPy *args, size_t nargs,
                            HPy kwnames)
{
    HPy value;
    if (params(ctx, args, nargs, kwnames, convert_names, 1, &value) < 0)
        return HPy_NULL;
    HPy t = HPyGlobal_Load(ctx, g_HashTrieMap);
    HPy vt = HPy_Type(ctx, value);
    if (HPy_Is(ctx, vt, t)) {
        HPy_Close(ctx, vt);
        HPy_Close(ctx, t);
        return HPy_Dup(ctx, value);
    }
    HPy_Close(ctx, vt);
    HPy h = HPy_Call(ctx, t, &value, 1, HPy_NULL);
    HPy_Close(ctx, t);
    return h;
}

/* Python `hash` of a slot's object (of the store in cur_store). */
static HPy_ssize_t value_hash(Slot *slot)
{
    HPyContext *ctx = cur_ctx;
    HPy v = HPyField_Load(ctx, cur_store, *FIELD(slot));
    HPy_hash_t h = HPy_Hash(ctx, v);
    HPy_Close(ctx, v);
    return h;
}

HPyDef_SLOT(HashTrieMap_hash, HPy_tp_hash)
static HPy_hash_t HashTrieMap_hash_impl(HPyContext *ctx, HPy self)
{
    HPy sh = load_store(ctx, self);
    cur_ctx = ctx;
    cur_store = sh;
    HPy_hash_t h = twin_map_hash(CollObject_AsStruct(ctx, self)->inner, value_hash);
    HPy_Close(ctx, sh);
    return h;
}

static HPyDef *HashTrieMap_defines[] = {
    &HashTrieMap_new, &HashTrieMap_insert, &HashTrieMap_len, &HashTrieMap_hash,
    COLL_TRAVERSE_DEF(HashTrieMap) COLL_DESTROY_DEF(HashTrieMap) NULL,
};

/* ---- HashTrieSet ---- */

COLL_TRAVERSE(HashTrieSet)
COLL_DESTROY(HashTrieSet, twin_set_free)
COLL_LEN(HashTrieSet, twin_set_len)

HPyDef_SLOT(HashTrieSet_new, HPy_tp_new)
static HPy HashTrieSet_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs,
                                HPy kw)
{
    HPy sh = new_store(ctx);
    if (HPy_IsNull(sh))
        return sh;
    Store *s = store_of(ctx, sh);
    void *set = twin_set_new();
    if (nargs == 1) {
        Reader r;
        if (reader_open(ctx, &r, args[0]) < 0)
            goto fail;
        HPy item;
        while (!HPy_IsNull(item = reader_next(ctx, &r))) {
            HPy_hash_t hash = HPy_Hash(ctx, item);
            if (hash == -1) {
                HPy_Close(ctx, item);
                reader_close(ctx, &r);
                goto fail;
            }
            Slot *ks = stash(ctx, sh, s, item);
            HPy_Close(ctx, item);
            cur_ctx = ctx;
            cur_store = sh;
            twin_set_insert_mut(set, hash, ks);
        }
        reader_close(ctx, &r);
        if (HPyErr_Occurred(ctx))
            goto fail;
    }
    HPy h = new_coll(ctx, g_HashTrieSet, sh, set);
    HPy_Close(ctx, sh);
    return h;
fail:
    twin_set_free(set);
    HPy_Close(ctx, sh);
    return HPy_NULL;
}

static HPyDef *HashTrieSet_defines[] = {
    &HashTrieSet_new, &HashTrieSet_len,
    COLL_TRAVERSE_DEF(HashTrieSet) COLL_DESTROY_DEF(HashTrieSet) NULL,
};

/* ---- List, Queue, Stack: constructors from one iterable ---- */

/* Reads every item of `iterable` into a C array of slots (the list is
 * built back to front, as the port does). */
static Slot **read_all(HPyContext *ctx, HPy sh, Store *s, HPy iterable, HPy_ssize_t *count)
{
    Reader r;
    if (reader_open(ctx, &r, iterable) < 0)
        return NULL;
    HPy_ssize_t cap = 16, n = 0;
    Slot **out = malloc(cap * sizeof(Slot *));
    HPy item;
    while (!HPy_IsNull(item = reader_next(ctx, &r))) {
        if (n == cap) {
            cap *= 2;
            out = realloc(out, cap * sizeof(Slot *));
        }
        out[n++] = stash(ctx, sh, s, item);
        HPy_Close(ctx, item);
    }
    reader_close(ctx, &r);
    if (HPyErr_Occurred(ctx)) {
        for (HPy_ssize_t i = 0; i < n; i++)
            twin_item_drop(out[i]);
        free(out);
        return NULL;
    }
    *count = n;
    return out;
}

#define SEQ_NEW(P, NEW, FREE, ADD, REVERSED)                                              \
    HPyDef_SLOT(P##_new, HPy_tp_new)                                                      \
    static HPy P##_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, \
                            HPy kw)                                                       \
    {                                                                                     \
        HPy sh = new_store(ctx);                                                          \
        if (HPy_IsNull(sh))                                                               \
            return sh;                                                                    \
        Store *s = store_of(ctx, sh);                                                     \
        void *inner = NEW();                                                              \
        if (nargs == 1) {                                                                 \
            HPy_ssize_t n;                                                                \
            Slot **items = read_all(ctx, sh, s, args[0], &n);                             \
            if (!items) {                                                                 \
                FREE(inner);                                                              \
                HPy_Close(ctx, sh);                                                       \
                return HPy_NULL;                                                          \
            }                                                                             \
            for (HPy_ssize_t i = 0; i < n; i++)                                           \
                ADD(inner, items[REVERSED ? n - 1 - i : i]);                              \
            free(items);                                                                  \
        }                                                                                 \
        HPy h = new_coll(ctx, g_##P, sh, inner);                                          \
        HPy_Close(ctx, sh);                                                               \
        return h;                                                                         \
    }

/* One item in (positional or by the keyword the original names it), a
 * new collection of the same family out. */
#define SEQ_ADD(P, NAME, OP, KW)                                                    \
    static const char *const P##_##NAME##_names[] = {KW};                           \
    HPyDef_METH(P##_##NAME, #NAME, HPyFunc_KEYWORDS)                                \
    static HPy P##_##NAME##_impl(HPyContext *ctx, HPy self, const HPy *args,       \
                                 size_t nargs, HPy kwnames)                         \
    {                                                                               \
        HPy value;                                                                  \
        if (params(ctx, args, nargs, kwnames, P##_##NAME##_names, 1, &value) < 0)   \
            return HPy_NULL;                                                        \
        HPy sh = load_store(ctx, self);                                             \
        Slot *slot = stash(ctx, sh, store_of(ctx, sh), value);                      \
        HPy h = new_coll(ctx, g_##P, sh, OP(CollObject_AsStruct(ctx, self)->inner, slot)); \
        HPy_Close(ctx, sh);                                                         \
        return h;                                                                   \
    }

/* The first item (for the checks). */
#define SEQ_FIRST(P, NAME, FIRST)                                             \
    HPyDef_METH(P##_##NAME, #NAME, HPyFunc_NOARGS)                            \
    static HPy P##_##NAME##_impl(HPyContext *ctx, HPy self)                   \
    {                                                                         \
        Slot *slot = FIRST(CollObject_AsStruct(ctx, self)->inner);            \
        if (!slot) {                                                          \
            HPyErr_SetString(ctx, ctx->h_IndexError, "empty");                \
            return HPy_NULL;                                                  \
        }                                                                     \
        HPy sh = load_store(ctx, self);                                       \
        HPy h = HPyField_Load(ctx, sh, *FIELD(slot));                         \
        HPy_Close(ctx, sh);                                                   \
        return h;                                                             \
    }

COLL_TRAVERSE(List)
COLL_DESTROY(List, twin_list_free)
COLL_LEN(List, twin_list_len)
SEQ_NEW(List, twin_list_new, twin_list_free, twin_list_push_front_mut, 1)
SEQ_ADD(List, push_front, twin_list_push_front, "other")
SEQ_FIRST(List, first, twin_list_first)

static HPyDef *List_defines[] = {
    &List_new, &List_push_front, &List_first, &List_len,
    COLL_TRAVERSE_DEF(List) COLL_DESTROY_DEF(List) NULL,
};

COLL_TRAVERSE(Queue)
COLL_DESTROY(Queue, twin_queue_free)
COLL_LEN(Queue, twin_queue_len)
SEQ_NEW(Queue, twin_queue_new, twin_queue_free, twin_queue_enqueue_mut, 0)
SEQ_ADD(Queue, enqueue, twin_queue_enqueue, "value")
SEQ_FIRST(Queue, peek, twin_queue_peek)

HPyDef_METH(Queue_dequeue, "dequeue", HPyFunc_NOARGS)
static HPy Queue_dequeue_impl(HPyContext *ctx, HPy self)
{
    void *inner = twin_queue_dequeue(CollObject_AsStruct(ctx, self)->inner);
    if (!inner) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "dequeued an empty queue");
        return HPy_NULL;
    }
    HPy sh = load_store(ctx, self);
    HPy h = new_coll(ctx, g_Queue, sh, inner);
    HPy_Close(ctx, sh);
    return h;
}

static HPyDef *Queue_defines[] = {
    &Queue_new, &Queue_enqueue, &Queue_dequeue, &Queue_peek, &Queue_len,
    COLL_TRAVERSE_DEF(Queue) COLL_DESTROY_DEF(Queue) NULL,
};

COLL_TRAVERSE(Stack)
COLL_DESTROY(Stack, twin_stack_free)
COLL_LEN(Stack, twin_stack_len)
SEQ_NEW(Stack, twin_stack_new, twin_stack_free, twin_stack_push_mut, 0)
SEQ_ADD(Stack, push, twin_stack_push, "other")
SEQ_FIRST(Stack, peek, twin_stack_peek)

static HPyDef *Stack_defines[] = {
    &Stack_new, &Stack_push, &Stack_peek, &Stack_len,
    COLL_TRAVERSE_DEF(Stack) COLL_DESTROY_DEF(Stack) NULL,
};

#define COLL_SPEC(P)                          \
    static HPyType_Spec P##_spec = {          \
        .name = MODNAME "." #P,               \
        .basicsize = sizeof(CollObject),      \
        .flags = COLL_FLAGS,                  \
        .defines = P##_defines,               \
    };

COLL_SPEC(HashTrieMap)
COLL_SPEC(HashTrieSet)
COLL_SPEC(List)
COLL_SPEC(Queue)
COLL_SPEC(Stack)

/* ---- the module ---- */

HPyDef_METH(made, "made", HPyFunc_NOARGS)
static HPy made_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, objects_made);
}

HPyDef_METH(levers, "levers", HPyFunc_NOARGS)
static HPy levers_impl(HPyContext *ctx, HPy self)
{
    return HPyUnicode_FromString(ctx, "destroy=" STR(TWIN_DESTROY) " gc=" STR(TWIN_GC));
}

HPyDef_SLOT(module_exec, HPy_mod_exec)
static int module_exec_impl(HPyContext *ctx, HPy m)
{
    if (add_type(ctx, m, &Store_spec, "Store", &g_Store) < 0 ||
        add_type(ctx, m, &HashTrieMap_spec, "HashTrieMap", &g_HashTrieMap) < 0 ||
        add_type(ctx, m, &HashTrieSet_spec, "HashTrieSet", &g_HashTrieSet) < 0 ||
        add_type(ctx, m, &List_spec, "List", &g_List) < 0 ||
        add_type(ctx, m, &Queue_spec, "Queue", &g_Queue) < 0 ||
        add_type(ctx, m, &Stack_spec, "Stack", &g_Stack) < 0)
        return -1;
    HPy range = builtin(ctx, "range");
    if (HPy_IsNull(range))
        return -1;
    HPyGlobal_Store(ctx, &g_range, range);
    HPy_Close(ctx, range);
    /* HashTrieMap.convert: the module function set on the class (a
     * builtin function does not bind, so the class attribute is callable
     * as HashTrieMap.convert(value)). */
    HPy conv = HPy_GetAttr_s(ctx, m, "_convert");
    HPy t = HPyGlobal_Load(ctx, g_HashTrieMap);
    int r = HPy_IsNull(conv) ? -1 : HPy_SetAttr_s(ctx, t, "convert", conv);
    HPy_Close(ctx, conv);
    HPy_Close(ctx, t);
    return r;
}

static HPyDef *module_defines[] = {&made, &levers, &map_convert, &module_exec, NULL};
static HPyGlobal *module_globals[] = {&g_Store, &g_HashTrieMap, &g_HashTrieSet, &g_List,
                                      &g_Queue, &g_Stack, &g_range, NULL};

static HPyModuleDef moduledef = {
    .doc = "the rpds port's object-making operations in C HPy over the rpds crate "
           "(bench/c/rpds): the floor",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

#define MODINIT(name) HPy_MODINIT(name, moduledef)
MODINIT(TWIN_NAME)
