//! `hpyrs_classes`: classes exercising every slot kind, members, properties,
//! fields and the GC, inheritance and the borrow rules
//! (see `tests/python/test_classes.py`).

mod submodules;

use std::sync::atomic::{AtomicIsize, Ordering};

use hpy::{
    hpy_class, hpy_method, hpy_methods, hpy_module, Borrowed, Constant, Context, Field, FieldSlots,
    Global, HPyErr, HPyResult, Handle, IntoHPy, List, Ref, RefMut, RichCompareOp, TypedField,
    VarArgs, WithBorrowedFields, WithFields,
};

/// Live `Vector` values: incremented by the constructor, decremented by Drop.
static LIVE_VECTORS: AtomicIsize = AtomicIsize::new(0);
/// Dropped `Node` values.
static DROPPED_NODES: AtomicIsize = AtomicIsize::new(0);
/// `__del__` calls of `Node`.
static FINALIZED_NODES: AtomicIsize = AtomicIsize::new(0);

/// A 2-D vector of integers, with the number protocol.
#[hpy_class(module = "hpyrs_classes", subclass)]
struct Vector {
    #[member]
    x: i64,
    #[member(readonly)]
    y: i64,
}

impl Drop for Vector {
    fn drop(&mut self) {
        LIVE_VECTORS.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Vector {
    fn make(x: i64, y: i64) -> Vector {
        LIVE_VECTORS.fetch_add(1, Ordering::Relaxed);
        Vector { x, y }
    }
}

#[hpy_methods]
impl Vector {
    #[new]
    fn new(x: i64, y: Option<i64>) -> Vector {
        Vector::make(x, y.unwrap_or(0))
    }

    /// A class attribute: `Vector.dimensions == 2`.
    #[classattr]
    fn dimensions() -> i64 {
        2
    }

    /// A class attribute that is an instance: `Vector.zero`.
    #[classattr]
    fn zero() -> Vector {
        Vector::make(0, 0)
    }

    /// A class attribute computed with the context.
    #[classattr]
    fn axes(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
        ("x", "y").into_hpy(ctx)
    }

    /// `x*x + y*y`.
    fn norm2(&self) -> i64 {
        self.x * self.x + self.y * self.y
    }

    /// Scales in place.
    fn scale(&mut self, k: i64) {
        self.x *= k;
        self.y *= k;
    }

    /// Calls `f()` while holding `&mut self` (to test the borrow rules).
    fn mutate_while_calling<'ctx>(&mut self, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.x += 1;
        f.call(&[])
    }

    /// The instance handle through `slf`.
    fn same_object<'ctx>(slf: &Handle<'ctx>) -> Handle<'ctx> {
        slf.dup()
    }

    /// Sum of the coordinates, through a `Ref` receiver.
    fn coord_sum(slf: Ref<'_, '_, Self>) -> i64 {
        slf.x + slf.y
    }

    /// `coord_sum` through a receiver that names the class instead of
    /// `Self` (the same unchecked borrow).
    fn coord_sum_named(slf: Ref<'_, '_, Vector>) -> i64 {
        slf.x + slf.y
    }

    /// Adds `k` to `x` through a `RefMut` receiver naming the class.
    fn shift_named(mut slf: RefMut<'_, '_, Vector>, k: i64) {
        slf.x += k;
    }

    #[getter]
    fn length_sq(&self) -> i64 {
        self.norm2()
    }

    #[getter(label)]
    fn get_label(&self) -> String {
        format!("<{}, {}>", self.x, self.y)
    }

    #[setter(label)]
    fn set_label(&mut self, value: &str) -> HPyResult<()> {
        let (x, y) = value
            .trim_matches(|c| c == '<' || c == '>')
            .split_once(',')
            .ok_or_else(|| HPyErr::value_error("expected '<x, y>'"))?;
        self.x = x.trim().parse()?;
        self.y = y.trim().parse()?;
        Ok(())
    }

    fn __repr__(&self) -> String {
        format!("Vector({}, {})", self.x, self.y)
    }

    fn __str__(&self) -> String {
        format!("({}, {})", self.x, self.y)
    }

    fn __hash__(&self) -> i64 {
        self.x * 31 + self.y
    }

    fn __bool__(&self) -> bool {
        self.x != 0 || self.y != 0
    }

    fn __richcmp__(&self, other: Ref<'_, '_, Vector>, op: RichCompareOp) -> bool {
        let a = (self.x, self.y);
        let b = (other.x, other.y);
        match op {
            RichCompareOp::Eq => a == b,
            RichCompareOp::Ne => a != b,
            RichCompareOp::Lt => a < b,
            RichCompareOp::Le => a <= b,
            RichCompareOp::Gt => a > b,
            RichCompareOp::Ge => a >= b,
        }
    }

    fn __add__(&self, other: Ref<'_, '_, Vector>) -> Vector {
        Vector::make(self.x + other.x, self.y + other.y)
    }

    fn __sub__(&self, other: Ref<'_, '_, Vector>) -> Vector {
        Vector::make(self.x - other.x, self.y - other.y)
    }

    fn __mul__(&self, k: i64) -> Vector {
        Vector::make(self.x * k, self.y * k)
    }

    fn __rmul__(&self, k: i64) -> Vector {
        Vector::make(k * self.x, k * self.y)
    }

    fn __floordiv__(&self, k: i64) -> HPyResult<Vector> {
        if k == 0 {
            return Err(HPyErr::zero_division_error("division by zero"));
        }
        Ok(Vector::make(self.x.div_euclid(k), self.y.div_euclid(k)))
    }

    fn __pow__(&self, k: u32, modulo: Option<i64>) -> Vector {
        let p = |v: i64| match modulo {
            Some(m) => v.pow(k).rem_euclid(m),
            None => v.pow(k),
        };
        Vector::make(p(self.x), p(self.y))
    }

    fn __iadd__(&mut self, other: Ref<'_, '_, Vector>) {
        self.x += other.x;
        self.y += other.y;
    }

    fn __neg__(&self) -> Vector {
        Vector::make(-self.x, -self.y)
    }

    fn __pos__(&self) -> Vector {
        Vector::make(self.x, self.y)
    }

    fn __abs__(&self) -> f64 {
        (self.norm2() as f64).sqrt()
    }

    fn __invert__(&self) -> Vector {
        Vector::make(self.y, self.x)
    }

    fn __int__(&self) -> i64 {
        self.x
    }

    fn __float__(&self) -> f64 {
        self.x as f64
    }

    fn __index__(&self) -> i64 {
        self.x
    }

    fn __call__(&self, a: i64, b: Option<i64>) -> i64 {
        self.x * a + self.y * b.unwrap_or(0)
    }
}

/// A fixed-size sequence of ints: length, items, containment, concatenation
/// and repetition, item assignment and deletion.
#[hpy_class(module = "hpyrs_classes")]
struct Seq {
    items: Vec<i64>,
}

#[hpy_methods]
impl Seq {
    #[new]
    fn new(items: Vec<i64>) -> Seq {
        Seq { items }
    }

    fn tolist(&self) -> Vec<i64> {
        self.items.clone()
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, i: isize) -> HPyResult<i64> {
        let n = self.items.len() as isize;
        let j = if i < 0 { i + n } else { i };
        usize::try_from(j)
            .ok()
            .and_then(|j| self.items.get(j).copied())
            .ok_or_else(|| HPyErr::index_error("Seq index out of range"))
    }

    fn __setitem__(&mut self, i: usize, value: i64) -> HPyResult<()> {
        let slot = self
            .items
            .get_mut(i)
            .ok_or_else(|| HPyErr::index_error("Seq index out of range"))?;
        *slot = value;
        Ok(())
    }

    fn __delitem__(&mut self, i: usize) -> HPyResult<()> {
        if i >= self.items.len() {
            return Err(HPyErr::index_error("Seq index out of range"));
        }
        self.items.remove(i);
        Ok(())
    }

    fn __contains__(&self, value: i64) -> bool {
        self.items.contains(&value)
    }

    #[slot(sq_concat)]
    fn concat(&self, other: Ref<'_, '_, Seq>) -> Seq {
        Seq {
            items: self.items.iter().chain(&other.items).copied().collect(),
        }
    }

    #[slot(sq_repeat)]
    fn repeat(&self, n: isize) -> HPyResult<Seq> {
        let n = n.max(0) as usize;
        let total = self.items.len().checked_mul(n);
        let mut items = Vec::new();
        if total.is_none_or(|t| items.try_reserve_exact(t).is_err()) {
            return Err(HPyErr::new(Constant::MemoryError, "repeated sequence"));
        }
        for _ in 0..n {
            items.extend_from_slice(&self.items);
        }
        Ok(Seq { items })
    }
}

/// A sequence implemented only through the `sq_*` slots.
#[hpy_class(module = "hpyrs_classes")]
struct SqOnly {
    items: Vec<i64>,
}

#[hpy_methods]
impl SqOnly {
    #[new]
    fn new(n: usize) -> HPyResult<SqOnly> {
        let mut items = Vec::new();
        items
            .try_reserve_exact(n)
            .map_err(|_| HPyErr::new(Constant::MemoryError, format!("{n} items")))?;
        items.extend(0..n as i64);
        Ok(SqOnly { items })
    }

    #[slot(sq_length)]
    fn length(&self) -> usize {
        self.items.len()
    }

    #[slot(sq_item)]
    fn item(&self, i: isize) -> HPyResult<i64> {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.items.get(i).copied())
            .ok_or_else(|| HPyErr::index_error("SqOnly index out of range"))
    }

    #[slot(sq_ass_item)]
    fn assign(&mut self, i: isize, value: Option<i64>) -> HPyResult<()> {
        let i = usize::try_from(i).map_err(|_| HPyErr::index_error("SqOnly index out of range"))?;
        if i >= self.items.len() {
            return Err(HPyErr::index_error("SqOnly index out of range"));
        }
        match value {
            Some(v) => self.items[i] = v,
            None => {
                self.items.remove(i);
            }
        }
        Ok(())
    }

    fn tolist(&self) -> Vec<i64> {
        self.items.clone()
    }
}

/// A graph node holding a reference to another object in a `Field`.
#[hpy_class(module = "hpyrs_classes")]
struct Node {
    next: Field,
    #[member]
    value: i64,
}

impl Drop for Node {
    fn drop(&mut self) {
        DROPPED_NODES.fetch_add(1, Ordering::Relaxed);
    }
}

#[hpy_methods]
impl Node {
    #[new]
    fn new(value: i64) -> Node {
        Node {
            next: Field::new(),
            value,
        }
    }

    /// Stores `obj` (or None) in the node's field.
    fn set_next<'ctx>(slf: Ref<'_, 'ctx, Self>, obj: &Handle<'ctx>) {
        if obj.is_none() {
            slf.store(&slf.next, None);
        } else {
            slf.store(&slf.next, Some(obj));
        }
    }

    /// The object in the field, or None.
    fn get_next<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load(&slf.next)
    }

    fn __del__(&mut self) {
        FINALIZED_NODES.fetch_add(1, Ordering::Relaxed);
    }
}

/// A float subclass carrying a Rust tag.
#[hpy_class(module = "hpyrs_classes", shape = "float")]
#[derive(Default)]
struct TaggedFloat {
    tag: i64,
}

#[hpy_methods]
impl TaggedFloat {
    #[getter]
    fn tag(&self) -> i64 {
        self.tag
    }

    #[setter]
    fn set_tag(&mut self, tag: i64) {
        self.tag = tag;
    }
}

/// A list subclass counting appends made through its own method.
#[hpy_class(module = "hpyrs_classes", shape = "list")]
#[derive(Default)]
struct CountingList {
    pushes: u32,
}

#[hpy_methods]
impl CountingList {
    /// Appends and counts.
    fn push<'ctx>(slf: &List<'ctx>, item: &Handle<'ctx>) -> HPyResult<()> {
        let mut data = hpy::RefMut::<CountingList>::borrow(slf.borrow())?;
        data.pushes += 1;
        slf.append(item)
    }

    #[getter]
    fn pushes(&self) -> u32 {
        self.pushes
    }
}

/// A class without a constructor: Python cannot make one, Rust can.
#[hpy_class(module = "hpyrs_classes")]
struct Token {
    #[member(readonly)]
    id: i32,
}

#[hpy_methods]
impl Token {
    fn describe(&self) -> String {
        format!("token {}", self.id)
    }
}

/// A metaclass (a type subclass with Rust data).
#[hpy_class(module = "hpyrs_classes", shape = "type")]
#[derive(Default)]
struct Meta {}

#[hpy_methods]
impl Meta {}

/// A class whose metaclass is `Meta`.
#[hpy_class(module = "hpyrs_classes", metaclass = Meta)]
struct WithMeta {}

#[hpy_methods]
impl WithMeta {
    #[new]
    fn new() -> WithMeta {
        WithMeta {}
    }
}

/// Makes a `Token` from Rust.
#[hpy_method]
fn make_token(id: i32) -> Token {
    Token { id }
}

/// Live `Vector` values.
#[hpy_method]
fn live_vectors() -> isize {
    LIVE_VECTORS.load(Ordering::Relaxed)
}

/// A counter set up by `__init__` (tp_init): `Counter(start, step=1)`;
/// calling `__init__` again resets it, as for a Python class.
#[hpy_class(module = "hpyrs_classes", subclass)]
#[derive(Default)]
struct Counter {
    value: i64,
    step: i64,
    inits: i64,
}

#[hpy_methods]
impl Counter {
    #[new]
    fn new() -> Counter {
        Counter::default()
    }

    #[init]
    fn init(&mut self, start: i64, step: Option<i64>) -> HPyResult<()> {
        let step = step.unwrap_or(1);
        if step == 0 {
            return Err(HPyErr::value_error("step must not be zero"));
        }
        self.value = start;
        self.step = step;
        self.inits += 1;
        Ok(())
    }

    /// Advances and returns the new value.
    fn tick(&mut self) -> i64 {
        self.value += self.step;
        self.value
    }

    /// How many times `__init__` ran on this instance.
    #[getter]
    fn inits(&self) -> i64 {
        self.inits
    }
}

/// A class whose Python name (`cell`) is not its Rust name: a constructor's
/// argument errors, and a slot's, name the Python class.
#[hpy_class(module = "hpyrs_classes", name = "cell")]
struct RustCell {
    value: i64,
}

#[hpy_methods]
impl RustCell {
    #[new]
    fn new(value: i64) -> RustCell {
        RustCell { value }
    }

    fn __setitem__(&mut self, _key: usize, value: i64) {
        self.value = value;
    }

    /// The value.
    #[getter]
    fn value(&self) -> i64 {
        self.value
    }
}

/// `cell` with an `__init__`: its argument errors name `tally.__init__`.
#[hpy_class(module = "hpyrs_classes", name = "tally")]
#[derive(Default)]
struct RustTally {
    count: i64,
}

#[hpy_methods]
impl RustTally {
    #[new]
    fn new() -> RustTally {
        RustTally::default()
    }

    #[init]
    fn init(&mut self, count: i64) {
        self.count = count;
    }

    /// The count.
    #[getter]
    fn count(&self) -> i64 {
        self.count
    }
}

static DROPPED_ANIMALS: AtomicIsize = AtomicIsize::new(0);

/// A base class for Rust subclasses: a name (drop glue), a `Field` (GC
/// through the subclass) and a member.
#[hpy_class(module = "hpyrs_classes", subclass)]
#[derive(Default)]
struct Animal {
    name: String,
    #[member]
    legs: i64,
    friend: Field,
}

impl Drop for Animal {
    fn drop(&mut self) {
        DROPPED_ANIMALS.fetch_add(1, Ordering::Relaxed);
    }
}

#[hpy_methods]
impl Animal {
    #[new]
    fn new(name: String, legs: i64) -> Animal {
        Animal {
            name,
            legs,
            friend: Field::new(),
        }
    }

    /// `"<name> (<legs> legs)"`.
    fn describe(&self) -> String {
        format!("{} ({} legs)", self.name, self.legs)
    }

    fn rename(&mut self, name: String) {
        self.name = name;
    }

    /// Keeps `obj` in the `friend` field.
    fn befriend<'ctx>(slf: Ref<'_, 'ctx, Self>, obj: &Handle<'ctx>) {
        slf.store(&slf.friend, Some(obj));
    }
}

/// A Rust subclass of `Animal` with data of its own.
#[hpy_class(module = "hpyrs_classes", extends = Animal, subclass)]
#[derive(Default)]
struct Dog {
    tricks: Vec<String>,
    #[member]
    good: bool,
}

#[hpy_methods]
impl Dog {
    /// The `Animal` part starts as `Animal::default()`; `__init__`-style
    /// setup of it goes through the instance (see `setup`).
    #[new]
    fn new(trick: String) -> Dog {
        Dog {
            tricks: vec![trick],
            good: true,
        }
    }

    fn learn(&mut self, trick: String) {
        self.tricks.push(trick);
    }

    fn tricks(&self) -> Vec<String> {
        self.tricks.clone()
    }

    /// Sets the inherited `Animal` data through the instance.
    fn setup(slf: Borrowed<'_, '_>, name: String, legs: i64) -> HPyResult<()> {
        let mut animal = slf.extract::<RefMut<'_, '_, Animal>>()?;
        animal.name = name;
        animal.legs = legs;
        Ok(())
    }
}

/// An `Animal` subclass whose constructor also sets up the `Animal` part.
#[hpy_class(module = "hpyrs_classes", extends = Animal)]
struct Cat {
    lives: i64,
}

#[hpy_methods]
impl Cat {
    #[new]
    fn new(name: String, lives: Option<i64>) -> HPyResult<(Cat, Animal)> {
        let lives = lives.unwrap_or(9);
        if lives <= 0 {
            return Err(HPyErr::value_error("a cat has at least one life"));
        }
        Ok((Cat { lives }, Animal::new(name, 4)))
    }

    #[getter]
    fn lives(&self) -> i64 {
        self.lives
    }
}

/// A second level, without data of its own.
#[hpy_class(module = "hpyrs_classes", extends = Dog)]
struct Puppy;

#[hpy_methods]
impl Puppy {
    #[new]
    fn new() -> Puppy {
        Puppy
    }

    fn is_puppy(&self) -> bool {
        true
    }
}

/// Dropped `Shapes` values.
static DROPPED_SHAPES: AtomicIsize = AtomicIsize::new(0);

thread_local! {
    /// `Field`s moved out of `Shapes` objects (`Shapes.take_out`).
    static STASH: std::cell::RefCell<Vec<Field>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Another name for `Field` (counted by type, not by spelling).
type FieldAlias = Field;

/// A struct of the test's own holding a `Field`.
struct Link {
    target: Field,
}

impl FieldSlots for Link {
    const COUNT: usize = 1;
}

/// `Field`s in every shape the garbage collector must see: optional, in
/// an array, behind an alias, inside a struct of the user's.
#[hpy_class(module = "hpyrs_classes")]
#[derive(Default)]
struct Shapes {
    maybe: Option<Field>,
    pair: [Field; 2],
    alias: FieldAlias,
    link: Link,
}

impl Default for Link {
    fn default() -> Self {
        Link {
            target: Field::new(),
        }
    }
}

impl Drop for Shapes {
    fn drop(&mut self) {
        DROPPED_SHAPES.fetch_add(1, Ordering::Relaxed);
    }
}

impl Shapes {
    fn field(&self, which: &str) -> HPyResult<&Field> {
        Ok(match which {
            "maybe" => match &self.maybe {
                Some(f) => f,
                None => return Err(HPyErr::value_error("maybe is None")),
            },
            "pair0" => &self.pair[0],
            "pair1" => &self.pair[1],
            "alias" => &self.alias,
            "link" => &self.link.target,
            _ => return Err(HPyErr::value_error(format!("no field {which:?}"))),
        })
    }

    fn field_mut(&mut self, which: &str) -> HPyResult<&mut Field> {
        Ok(match which {
            "maybe" => self.maybe.get_or_insert_with(Field::new),
            "pair0" => &mut self.pair[0],
            "pair1" => &mut self.pair[1],
            "alias" => &mut self.alias,
            "link" => &mut self.link.target,
            _ => return Err(HPyErr::value_error(format!("no field {which:?}"))),
        })
    }
}

#[hpy_methods]
impl Shapes {
    #[new]
    fn new() -> Shapes {
        Shapes::default()
    }

    /// Stores `obj` (None: clears) in the field `which` (`maybe` is made
    /// `Some` first).
    fn put<'ctx>(
        mut slf: RefMut<'_, 'ctx, Self>,
        which: &str,
        obj: &Handle<'ctx>,
    ) -> HPyResult<()> {
        slf.field_mut(which)?;
        let value = (!obj.is_none()).then_some(obj);
        slf.store(slf.field(which)?, value);
        Ok(())
    }

    /// The object in the field `which`, or None.
    fn get<'ctx>(slf: Ref<'_, 'ctx, Self>, which: &str) -> HPyResult<Option<Handle<'ctx>>> {
        Ok(slf.load(slf.field(which)?))
    }

    /// Moves the field `which` out of the object (`mem::take`) into a
    /// thread-local stash, leaving an empty `Field` behind.
    fn take_out(&mut self, which: &str) -> HPyResult<()> {
        let taken = core::mem::take(self.field_mut(which)?);
        STASH.with(|s| s.borrow_mut().push(taken));
        Ok(())
    }

    /// Moves the last stashed `Field` into the field `which` of this
    /// object (which may be another object than the one it came from).
    fn put_back(&mut self, which: &str) -> HPyResult<()> {
        let field = STASH
            .with(|s| s.borrow_mut().pop())
            .ok_or_else(|| HPyErr::value_error("nothing stashed"))?;
        *self.field_mut(which)? = field;
        Ok(())
    }

    /// Swaps the two fields of `pair`.
    fn swap_pair(&mut self) {
        let [a, b] = &mut self.pair;
        core::mem::swap(a, b);
    }

    /// Replaces `maybe` by a new, empty `Field` (its object stays in the
    /// instance until it dies).
    fn renew_maybe(&mut self) {
        self.maybe = Some(Field::new());
    }
}

/// A class whose constructor and method have signatures.
#[hpy_class(module = "hpyrs_classes")]
struct Labelled {
    #[member]
    x: i64,
    #[member]
    y: i64,
    label: String,
}

#[hpy_methods]
impl Labelled {
    #[new(signature = (x, y = 0, *, label = String::from("none")))]
    fn new(x: i64, y: i64, label: String) -> Labelled {
        Labelled { x, y, label }
    }

    /// The label, repeated.
    #[method(signature = (times = 1, /, *, sep = "-"), alias = "repeat")]
    fn label(&self, times: usize, sep: &str) -> HPyResult<String> {
        let size = (self.label.len() + sep.len()).checked_mul(times);
        let mut out = String::new();
        if size.is_none_or(|n| out.try_reserve(n).is_err()) {
            return Err(HPyErr::new(
                Constant::MemoryError,
                "label repeated too often",
            ));
        }
        for i in 0..times {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(&self.label);
        }
        Ok(out)
    }

    /// The two labels joined: also `a + b` and `a.joined(b)`.
    #[method(alias = "joined", alias = "__add__")]
    fn join(&self, other: Ref<'_, '_, Labelled>) -> String {
        format!("{}+{}", self.label, other.label)
    }

    /// Extra keyword arguments, sorted by name.
    #[method(signature = (**extra))]
    fn extras<'ctx>(
        &self,
        ctx: Context<'ctx>,
        extra: Option<Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        match extra {
            Some(d) => ctx.builtins().get_item_s("sorted")?.call(&[&d]),
            None => Ok(ctx.none()),
        }
    }
}

/// An iterator counting down (`__iter__` returns itself, `__next__` ends
/// with `None`).
#[hpy_class(module = "hpyrs_classes")]
struct Countdown {
    left: i64,
}

#[hpy_methods]
impl Countdown {
    #[new]
    fn new(start: i64) -> Countdown {
        Countdown { left: start }
    }

    fn __iter__<'ctx>(slf: &Handle<'ctx>) -> Handle<'ctx> {
        slf.dup()
    }

    fn __next__(&mut self) -> Option<i64> {
        if self.left <= 0 {
            return None;
        }
        self.left -= 1;
        Some(self.left + 1)
    }
}

/// An awaitable that is ready at once: `await Ready(x)` gives `x`.
/// `__await__` returns the object itself, whose first `__next__` raises
/// `StopIteration(x)`, as a coroutine that returns without suspending.
#[hpy_class(module = "hpyrs_classes")]
struct Ready {
    value: i64,
}

#[hpy_methods]
impl Ready {
    #[new]
    fn new(value: i64) -> Ready {
        Ready { value }
    }

    fn __await__<'ctx>(slf: &Handle<'ctx>) -> Handle<'ctx> {
        slf.dup()
    }

    fn __next__<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Option<i64>> {
        // Raised as an instance: PyPy's `await` reads the value only from
        // a normalised StopIteration.
        let stop = ctx.constant(Constant::StopIteration);
        let exc = stop.call(&[&self.value.into_hpy(ctx)?])?;
        Err(HPyErr::from_type_value(&stop, &exc))
    }
}

/// An asynchronous iterator counting down: `__aiter__` returns itself,
/// `__anext__` a [`Ready`] awaitable, then raises `StopAsyncIteration`.
#[hpy_class(module = "hpyrs_classes")]
struct Ticker {
    left: i64,
}

#[hpy_methods]
impl Ticker {
    #[new]
    fn new(start: i64) -> Ticker {
        Ticker { left: start }
    }

    fn __aiter__<'ctx>(slf: &Handle<'ctx>) -> Handle<'ctx> {
        slf.dup()
    }

    fn __anext__(&mut self, ctx: Context<'_>) -> HPyResult<Ready> {
        if self.left <= 0 {
            let stop = ctx.builtin("StopAsyncIteration")?;
            return Err(HPyErr::from_type(&stop, "done"));
        }
        self.left -= 1;
        Ok(Ready {
            value: self.left + 1,
        })
    }
}

/// Attributes kept in a map (`__getattr__`, `__setattr__`, `__delattr__`).
#[hpy_class(module = "hpyrs_classes")]
struct Record {
    fields: std::collections::BTreeMap<String, i64>,
}

#[hpy_methods]
impl Record {
    #[new]
    fn new() -> Record {
        Record {
            fields: Default::default(),
        }
    }

    fn __getattr__(&self, name: &str) -> HPyResult<i64> {
        self.fields
            .get(name)
            .copied()
            .ok_or_else(|| HPyErr::new(Constant::AttributeError, format!("no field {name:?}")))
    }

    fn __setattr__(&mut self, name: String, value: i64) {
        self.fields.insert(name, value);
    }

    fn __delattr__(&mut self, name: &str) -> HPyResult<()> {
        match self.fields.remove(name) {
            Some(_) => Ok(()),
            None => Err(HPyErr::new(
                Constant::AttributeError,
                format!("no field {name:?}"),
            )),
        }
    }

    /// The fields, sorted by name.
    fn names(&self) -> Vec<String> {
        self.fields.keys().cloned().collect()
    }

    /// Equal records have equal fields (no `__hash__`: unhashable).
    fn __richcmp__<'ctx>(
        &self,
        ctx: Context<'ctx>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        let Ok(other) = other.extract::<Ref<'_, '_, Record>>() else {
            return Ok(ctx.constant(Constant::NotImplemented));
        };
        match op {
            RichCompareOp::Eq => (self.fields == other.fields).into_hpy(ctx),
            RichCompareOp::Ne => (self.fields != other.fields).into_hpy(ctx),
            _ => Ok(ctx.constant(Constant::NotImplemented)),
        }
    }
}

/// A descriptor: reading it through an instance gives `factor * 2`,
/// through the class the descriptor itself.
#[hpy_class(module = "hpyrs_classes")]
struct Doubler {
    factor: i64,
    written: i64,
}

#[hpy_methods]
impl Doubler {
    #[new]
    fn new(factor: i64) -> Doubler {
        Doubler { factor, written: 0 }
    }

    fn __get__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        obj: &Handle<'ctx>,
        owner: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let _ = owner;
        if obj.is_none() {
            return Ok(slf.handle().dup());
        }
        (slf.factor * 2).into_hpy(obj.context())
    }

    fn __set__(&mut self, obj: &Handle<'_>, value: i64) {
        let _ = obj;
        self.written = value;
    }

    /// The last value assigned through the descriptor.
    #[getter]
    fn written(&self) -> i64 {
        self.written
    }
}

/// How many `Shapes` values were dropped.
#[hpy_method]
fn dropped_shapes() -> isize {
    DROPPED_SHAPES.load(Ordering::Relaxed)
}

/// How many `Animal` values (parts of instances) were dropped.
#[hpy_method]
fn dropped_animals() -> isize {
    DROPPED_ANIMALS.load(Ordering::Relaxed)
}

/// (dropped, finalized) `Node` counts.
#[hpy_method]
fn node_counts() -> (isize, isize) {
    (
        DROPPED_NODES.load(Ordering::Relaxed),
        FINALIZED_NODES.load(Ordering::Relaxed),
    )
}

/// Borrows `v` shared, then calls `f(v)` (to test conflicting borrows).
#[hpy_method]
fn read_then_call<'ctx>(v: Ref<'_, 'ctx, Vector>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    let _ = v.x;
    f.call(&[v.handle()])
}

/// Whether `obj` is a `Vector` (or subclass).
#[hpy_method]
fn is_vector(obj: Borrowed<'_, '_>) -> HPyResult<bool> {
    hpy::impl_::class::is_instance::<Vector>(&obj)
}

/// `("vector", x)` for a `Vector` (or subclass), `("token", id)` for a
/// `Token`, `None` for anything else: `Handle::as_class` dispatch.
#[hpy_method]
fn x_or_id(obj: &Handle<'_>) -> HPyResult<Option<(&'static str, i64)>> {
    if let Some(v) = obj.as_class::<Vector>()? {
        return Ok(Some(("vector", v.x)));
    }
    if let Some(t) = obj.as_class::<Token>()? {
        return Ok(Some(("token", i64::from(t.id))));
    }
    Ok(None)
}

/// Sums the x coordinates of any number of vectors.
#[hpy_method]
fn sum_x(args: VarArgs<'_, '_>) -> HPyResult<i64> {
    let mut total = 0;
    for a in args.iter() {
        total += a.extract::<Ref<'_, '_, Vector>>()?.x;
    }
    Ok(total)
}

/// Context-free helper used by the module exec hook.
fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    module.set_attr_s("VectorAlias", &hpy::type_object::<Vector>(ctx)?)
}

/// Two objects kept in `Field`s that the constructor fills (`WithFields`).
#[hpy_class(module = "hpyrs_classes")]
struct Pair {
    first: Field,
    second: Field,
    #[member(readonly)]
    tag: i64,
}

#[hpy_methods]
impl Pair {
    #[new]
    fn new<'ctx>(first: &Handle<'ctx>, second: &Handle<'ctx>) -> WithFields<'ctx, Pair> {
        let pair = Pair {
            first: Field::new(),
            second: Field::new(),
            tag: 7,
        };
        WithFields::new(pair)
            .set(|p| &p.first, first.dup())
            .set(|p| &p.second, second.dup())
    }

    fn first<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load(&slf.first)
    }

    fn second<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load(&slf.second)
    }

    /// A new pair with the objects the other way round (a `WithFields`
    /// returned by a method); the second field is left empty when `half`.
    fn swapped<'ctx>(slf: Ref<'_, 'ctx, Self>, half: bool) -> HPyResult<WithFields<'ctx, Pair>> {
        let first = slf
            .load(&slf.first)
            .ok_or_else(|| HPyErr::value_error("empty"))?;
        let second = slf
            .load(&slf.second)
            .ok_or_else(|| HPyErr::value_error("empty"))?;
        let pair = Pair {
            first: Field::new(),
            second: Field::new(),
            tag: slf.tag + 1,
        };
        let new = WithFields::new(pair).set(|p| &p.first, second);
        Ok(if half {
            new
        } else {
            new.set(|p| &p.second, first)
        })
    }

    /// A new pair whose `first` is set twice, `x` then `z` (the last one
    /// set wins, and `x`'s handle is closed), its `second` to `y`: with
    /// `put` in place, and with `set`, taking the builder by value.
    #[staticmethod]
    fn set_twice<'ctx>(
        x: &Handle<'ctx>,
        y: &Handle<'ctx>,
        z: &Handle<'ctx>,
        in_place: bool,
    ) -> WithFields<'ctx, Pair> {
        let pair = Pair {
            first: Field::new(),
            second: Field::new(),
            tag: 0,
        };
        let mut new = WithFields::new(pair);
        if in_place {
            new.put(|p| &p.first, x.dup());
            new.put(|p| &p.second, y.dup());
            new.put(|p| &p.first, z.dup());
            new
        } else {
            new.set(|p| &p.first, x.dup())
                .set(|p| &p.first, z.dup())
                .set(|p| &p.second, y.dup())
        }
    }

    /// A `Pair` whose two `Field`s are the last two stashed
    /// (`Shapes.take_out`: each still names a slot of the `Shapes` it came
    /// from), filled as `first = x`, `second = y`, `first = z`: the builder
    /// gives each its own slot whatever it named before.
    #[staticmethod]
    fn from_stash<'ctx>(
        x: &Handle<'ctx>,
        y: &Handle<'ctx>,
        z: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Pair>> {
        let pop = || {
            STASH
                .with(|s| s.borrow_mut().pop())
                .ok_or_else(|| HPyErr::value_error("nothing stashed"))
        };
        let pair = Pair {
            first: pop()?,
            second: pop()?,
            tag: 9,
        };
        Ok(WithFields::new(pair)
            .set(|p| &p.first, x.dup())
            .set(|p| &p.second, y.dup())
            .set(|p| &p.first, z.dup()))
    }

    /// Names a `Field` that is not part of the value (only a `'static` one
    /// gets past the borrow checker): a panic, which Python sees as an
    /// exception.
    fn misuse<'ctx>(slf: Ref<'_, 'ctx, Self>) -> WithFields<'ctx, Pair> {
        let pair = Pair {
            first: Field::new(),
            second: Field::new(),
            tag: 0,
        };
        let elsewhere: &'static Field = Box::leak(Box::new(Field::new()));
        WithFields::new(pair).set(|_| elsewhere, slf.handle().dup())
    }
}

/// A frozen cell of a linked list: one object (or None) in a `Field`,
/// set by the constructor. Freeing a long chain of them must not recurse
/// once per cell (`tests/python/test_deep_frees.py`).
#[hpy_class(module = "hpyrs_classes", frozen)]
struct Cons {
    next: Field,
}

#[hpy_methods]
impl Cons {
    #[new]
    fn new<'ctx>(next: &Handle<'ctx>) -> WithFields<'ctx, Cons> {
        WithFields::new(Cons { next: Field::new() }).set(|c| &c.next, next.dup())
    }

    /// The object the cell holds.
    fn next<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load(&slf.next)
    }
}

/// A frozen tree node with three children in `Field`s, set by the
/// constructor (`tests/python/test_deep_frees.py` frees deep trees of them).
#[hpy_class(module = "hpyrs_classes", frozen)]
struct Tri {
    left: Field,
    middle: Field,
    right: Field,
}

#[hpy_methods]
impl Tri {
    #[new]
    fn new<'ctx>(
        left: &Handle<'ctx>,
        middle: &Handle<'ctx>,
        right: &Handle<'ctx>,
    ) -> WithFields<'ctx, Tri> {
        let tri = Tri {
            left: Field::new(),
            middle: Field::new(),
            right: Field::new(),
        };
        WithFields::new(tri)
            .set(|t| &t.left, left.dup())
            .set(|t| &t.middle, middle.dup())
            .set(|t| &t.right, right.dup())
    }

    /// The three children, as a tuple.
    fn children<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
    ) -> (
        Option<Handle<'ctx>>,
        Option<Handle<'ctx>>,
        Option<Handle<'ctx>>,
    ) {
        (
            slf.load(&slf.left),
            slf.load(&slf.middle),
            slf.load(&slf.right),
        )
    }
}

/// An object whose `__del__` fails as its mode says: `"del"` panics,
/// `"err"` returns a ValueError, anything else does nothing.
#[hpy_class(module = "hpyrs_classes")]
struct Bomb {
    mode: String,
}

#[hpy_methods]
impl Bomb {
    #[new]
    fn new(mode: String) -> Bomb {
        Bomb { mode }
    }

    fn __del__(&mut self) -> HPyResult<()> {
        match self.mode.as_str() {
            "del" => panic!("Bomb.__del__ went off"),
            "err" => Err(HPyErr::value_error("Bomb.__del__ failed")),
            _ => Ok(()),
        }
    }

    /// The mode; reading it fails for the modes "get-err" and "get-panic".
    #[getter]
    fn mode(&self) -> HPyResult<String> {
        match self.mode.as_str() {
            "get-err" => Err(HPyErr::value_error("Bomb.mode failed")),
            "get-panic" => panic!("Bomb.mode went off"),
            mode => Ok(mode.to_owned()),
        }
    }
}

/// Where a dying `Phoenix` puts itself (issue 25, N2).
static PHOENIX_NEST: Global = Global::new();
/// A callable a dying `Phoenix` passes itself to, if set.
static PHOENIX_CALLBACK: Global = Global::new();

/// An object whose `__del__` brings it back, once: it stores itself in a
/// `Global` and hands itself to the callback `phoenix_callback` set (issue
/// 25, N2).
#[hpy_class(module = "hpyrs_classes")]
struct Phoenix {
    name: String,
    reborn: bool,
}

#[hpy_methods]
impl Phoenix {
    #[new]
    fn new(name: String) -> Phoenix {
        Phoenix {
            name,
            reborn: false,
        }
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    fn rename(&mut self, name: String) {
        self.name = name;
    }

    fn __del__<'ctx>(mut slf: RefMut<'_, 'ctx, Self>) -> HPyResult<()> {
        if slf.reborn {
            return Ok(());
        }
        slf.reborn = true;
        let ctx = slf.handle().context();
        PHOENIX_NEST.store(slf.handle())?;
        if let Some(callback) = PHOENIX_CALLBACK.load(ctx)? {
            if !callback.is_none() {
                callback.call(&[slf.handle()])?;
            }
        }
        Ok(())
    }
}

/// Takes the `Phoenix` its `__del__` stored (None if there is none).
#[hpy_method]
fn phoenix_nest<'ctx>(ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    let bird = PHOENIX_NEST.load(ctx)?;
    PHOENIX_NEST.store(&ctx.none())?;
    Ok(bird.filter(|b| !b.is_none()))
}

/// A class whose type object is immutable once made (`immutable_type`):
/// `Sealed(3).doubled() == 6`, `Sealed.unit` an instance set before the
/// type was frozen.
#[hpy_class(module = "hpyrs_classes", frozen, immutable_type)]
struct Sealed {
    #[member(readonly)]
    value: i64,
}

#[hpy_methods]
impl Sealed {
    #[new]
    fn new(value: i64) -> Sealed {
        Sealed { value }
    }

    /// A class attribute that is an instance, set while the type is made.
    #[classattr]
    fn unit() -> Sealed {
        Sealed { value: 1 }
    }

    /// Twice the value.
    fn doubled(&self) -> i64 {
        2 * self.value
    }
}

/// Sets the callable a dying `Phoenix` is passed to (None: no callback).
#[hpy_method]
fn phoenix_callback<'ctx>(callback: &Handle<'ctx>) -> HPyResult<()> {
    PHOENIX_CALLBACK.store(callback)
}

/// Dropped `Knot` values.
static DROPPED_KNOTS: AtomicIsize = AtomicIsize::new(0);
/// Dropped `Holder` values.
static DROPPED_HOLDERS: AtomicIsize = AtomicIsize::new(0);

/// A frozen class that `Holder`s refer to through `TypedField`s: a number,
/// a name (drop glue) and a `Field` back to anything (`bind`), for cycles.
#[hpy_class(module = "hpyrs_classes", frozen, subclass)]
struct Knot {
    value: i64,
    name: String,
    back: Field,
}

impl Default for Knot {
    fn default() -> Self {
        Knot {
            value: 0,
            name: String::new(),
            back: Field::new(),
        }
    }
}

impl Drop for Knot {
    fn drop(&mut self) {
        DROPPED_KNOTS.fetch_add(1, Ordering::Relaxed);
    }
}

#[hpy_methods]
impl Knot {
    #[new]
    fn new(value: i64, name: String) -> Knot {
        Knot {
            value,
            name,
            back: Field::new(),
        }
    }

    #[getter]
    fn value(&self) -> i64 {
        self.value
    }

    /// Keeps `obj` (a shared store: the class is frozen).
    fn bind<'ctx>(slf: Ref<'_, 'ctx, Self>, obj: &Handle<'ctx>) {
        slf.store(&slf.back, Some(obj));
    }
}

thread_local! {
    /// `Field`s moved out of `Holder`s (`Holder.take_plain`).
    static PLAIN_STASH: std::cell::RefCell<Vec<Field>> = const { std::cell::RefCell::new(Vec::new()) };
    /// `TypedField`s moved out of `Holder`s (`Holder.take_main`).
    static TYPED_STASH: std::cell::RefCell<Vec<TypedField<Knot>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Refers to `Knot`s through `TypedField`s (`main`, `extra`) and to a
/// `Sealed` (another frozen class) through `sealed`, beside an untyped
/// `Field` (`plain`).
#[hpy_class(module = "hpyrs_classes")]
struct Holder {
    main: TypedField<Knot>,
    extra: Option<TypedField<Knot>>,
    sealed: TypedField<Sealed>,
    plain: Field,
}

impl Drop for Holder {
    fn drop(&mut self) {
        DROPPED_HOLDERS.fetch_add(1, Ordering::Relaxed);
    }
}

#[hpy_methods]
impl Holder {
    /// `Holder(knot=None)`: `main` set at construction.
    #[new(signature = (knot = None))]
    fn new<'ctx>(knot: Option<Ref<'_, 'ctx, Knot>>) -> WithFields<'ctx, Holder> {
        let holder = Holder {
            main: TypedField::new(),
            extra: None,
            sealed: TypedField::new(),
            plain: Field::new(),
        };
        let mut new = WithFields::new(holder);
        if let Some(knot) = &knot {
            new.put_typed(|h| &h.main, knot);
        }
        new
    }

    /// `main`'s value, read with no HPy call (None if empty).
    fn value(slf: Ref<'_, '_, Self>) -> Option<i64> {
        slf.get_typed(&slf.main).map(|k| k.value)
    }

    /// The same through `load` and `extract` (three or four HPy calls).
    fn value_loaded(slf: Ref<'_, '_, Self>) -> HPyResult<Option<i64>> {
        let Some(knot) = slf.load_typed(&slf.main) else {
            return Ok(None);
        };
        let knot = knot.extract::<Ref<'_, '_, Knot>>()?;
        Ok(Some(knot.value))
    }

    /// `main`'s value read `n` times, summed (bench/typed-field-costs:
    /// the read alone).
    fn value_n(slf: Ref<'_, '_, Self>, n: u32) -> i64 {
        let mut sum = 0;
        for _ in 0..n {
            let field = std::hint::black_box(&slf.main);
            sum += slf.get_typed(field).map_or(0, |k| k.value);
        }
        sum
    }

    /// The same through `load` and `extract`.
    fn value_loaded_n(slf: Ref<'_, '_, Self>, n: u32) -> HPyResult<i64> {
        let mut sum = 0;
        for _ in 0..n {
            let field = std::hint::black_box(&slf.main);
            if let Some(knot) = slf.load_typed(field) {
                sum += knot.extract::<Ref<'_, '_, Knot>>()?.value;
            }
        }
        Ok(sum)
    }

    /// `main`'s name (None if empty).
    fn name(slf: Ref<'_, '_, Self>) -> Option<String> {
        slf.get_typed(&slf.main).map(|k| k.name.clone())
    }

    /// `main`'s object, as a handle.
    fn knot<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load_typed(&slf.main)
    }

    /// Replaces (None: clears) `main`.
    fn set<'ctx>(mut slf: RefMut<'_, 'ctx, Self>, knot: Option<Ref<'_, 'ctx, Knot>>) {
        slf.set_typed(|h| &mut h.main, knot.as_ref());
    }

    /// Replaces (None: clears) `extra`, made `Some` first.
    fn set_extra<'ctx>(mut slf: RefMut<'_, 'ctx, Self>, knot: Option<Ref<'_, 'ctx, Knot>>) {
        slf.set_typed(
            |h| h.extra.get_or_insert_with(TypedField::new),
            knot.as_ref(),
        );
    }

    /// `extra`'s value.
    fn extra_value(slf: Ref<'_, '_, Self>) -> Option<i64> {
        let extra = slf.extra.as_ref()?;
        slf.get_typed(extra).map(|k| k.value)
    }

    /// Replaces `sealed`.
    fn set_sealed<'ctx>(mut slf: RefMut<'_, 'ctx, Self>, sealed: Option<Ref<'_, 'ctx, Sealed>>) {
        slf.set_typed(|h| &mut h.sealed, sealed.as_ref());
    }

    /// `sealed`'s value.
    fn sealed_value(slf: Ref<'_, '_, Self>) -> Option<i64> {
        slf.get_typed(&slf.sealed).map(|s| s.value)
    }

    /// Stores `obj` (None: clears) in `plain`, through a shared borrow.
    fn put_plain<'ctx>(slf: Ref<'_, 'ctx, Self>, obj: &Handle<'ctx>) {
        let value = (!obj.is_none()).then_some(obj);
        slf.store(&slf.plain, value);
    }

    /// `plain`'s object.
    fn plain<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load(&slf.plain)
    }

    /// Moves `plain` out into a thread-local stash.
    fn take_plain(&mut self) {
        let taken = core::mem::take(&mut self.plain);
        PLAIN_STASH.with(|s| s.borrow_mut().push(taken));
    }

    /// Moves the last stashed `Field` into `plain` (of any `Holder`).
    fn put_back_plain(&mut self) -> HPyResult<()> {
        self.plain = PLAIN_STASH
            .with(|s| s.borrow_mut().pop())
            .ok_or_else(|| HPyErr::value_error("nothing stashed"))?;
        Ok(())
    }

    /// Moves `main` out into a thread-local stash.
    fn take_main(&mut self) {
        let taken = core::mem::take(&mut self.main);
        TYPED_STASH.with(|s| s.borrow_mut().push(taken));
    }

    /// Moves the last stashed `TypedField` into `main` (of any `Holder`).
    fn put_back_main(&mut self) -> HPyResult<()> {
        self.main = TYPED_STASH
            .with(|s| s.borrow_mut().pop())
            .ok_or_else(|| HPyErr::value_error("nothing stashed"))?;
        Ok(())
    }
}

/// A frozen class `$holder` holding a `TypedField<$knot>` set at
/// construction only, with the readers the typed-field tests call
/// (`$knot` has `value: i64` and `name: String`).
macro_rules! typed_holder {
    ($(#[$doc:meta])* $holder:ident, $knot:ident) => {
        $(#[$doc])*
        #[hpy_class(module = "hpyrs_classes", frozen)]
        struct $holder {
            knot: TypedField<$knot>,
        }

        #[hpy_methods]
        impl $holder {
            #[new]
            fn new<'ctx>(knot: Ref<'_, 'ctx, $knot>) -> WithFields<'ctx, $holder> {
                let holder = $holder {
                    knot: TypedField::new(),
                };
                WithFields::new(holder).set_typed(|h| &h.knot, &knot)
            }

            /// The knot's value, read with no HPy call.
            fn knot_value(slf: Ref<'_, '_, Self>) -> Option<i64> {
                slf.get_typed(&slf.knot).map(|k| k.value)
            }

            /// The knot's name, read with no HPy call.
            fn knot_name(slf: Ref<'_, '_, Self>) -> Option<String> {
                slf.get_typed(&slf.knot).map(|k| k.name.clone())
            }

            /// The knot, as a handle.
            fn knot<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
                slf.load_typed(&slf.knot)
            }

            /// A new holder of the same knot, copied from this one's
            /// field (`WithFields::set_typed_from`, no class test).
            fn copy<'ctx>(slf: Ref<'_, 'ctx, Self>) -> WithFields<'ctx, $holder> {
                let holder = $holder {
                    knot: TypedField::new(),
                };
                WithFields::new(holder).set_typed_from(|h| &h.knot, &slf, &slf.knot)
            }
        }
    };
}

typed_holder!(
    /// A frozen class holding a `TypedField` set at construction only.
    FrozenHolder,
    Knot
);

/// A frozen class whose builders borrow their knot's handle
/// (`WithFields::set_typed_borrowed`: no handle of the builder's own),
/// from a constructor, a method and a module function.
#[hpy_class(module = "hpyrs_classes", frozen)]
struct BorrowingHolder {
    knot: TypedField<Knot>,
    label: Field,
}

#[hpy_methods]
impl BorrowingHolder {
    /// `knot`, replaced by `instead` when given (the first borrowed entry
    /// is given up unclosed), and `label` (owned, `set`).
    #[new(signature = (knot, label, instead = None))]
    fn new<'a, 'ctx>(
        knot: Ref<'a, 'ctx, Knot>,
        label: &Handle<'ctx>,
        instead: Option<Ref<'a, 'ctx, Knot>>,
    ) -> WithBorrowedFields<'a, 'ctx, BorrowingHolder> {
        let mut new = WithFields::new(BorrowingHolder::empty())
            .set(|h| &h.label, label.dup())
            .set_typed_borrowed(|h| &h.knot, &knot);
        if let Some(instead) = &instead {
            new = new.set_typed_borrowed(|h| &h.knot, instead);
        }
        new
    }

    /// A new holder of `knot`, with no label (a method's argument).
    fn rebind<'a, 'ctx>(
        &self,
        knot: Ref<'a, 'ctx, Knot>,
    ) -> WithBorrowedFields<'a, 'ctx, BorrowingHolder> {
        WithFields::new(BorrowingHolder::empty()).set_typed_borrowed(|h| &h.knot, &knot)
    }

    /// The knot's value, read with no HPy call.
    fn knot_value(slf: Ref<'_, '_, Self>) -> Option<i64> {
        slf.get_typed(&slf.knot).map(|k| k.value)
    }

    /// The knot, as a handle.
    fn knot<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load_typed(&slf.knot)
    }

    /// The label (None if unset).
    fn label<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load(&slf.label)
    }
}

impl BorrowingHolder {
    /// A holder with neither knot nor label yet.
    fn empty() -> Self {
        BorrowingHolder {
            knot: TypedField::new(),
            label: Field::new(),
        }
    }
}

/// A `BorrowingHolder` of `knot` (borrowed) and `label`.
fn holder_of<'a, 'ctx>(
    knot: &Ref<'a, 'ctx, Knot>,
    label: &Handle<'ctx>,
) -> WithBorrowedFields<'a, 'ctx, BorrowingHolder> {
    WithFields::new(BorrowingHolder::empty())
        .set(|h| &h.label, label.dup())
        .set_typed_borrowed(|h| &h.knot, knot)
}

/// `BorrowingHolder(knot, label)` as a module function.
#[hpy_method]
fn borrowing_holder<'a, 'ctx>(
    knot: Ref<'a, 'ctx, Knot>,
    label: &Handle<'ctx>,
) -> WithBorrowedFields<'a, 'ctx, BorrowingHolder> {
    holder_of(&knot, label)
}

/// Panics while choosing the field of a borrowed entry (after an owned
/// one was set): the panic reaches Python as an exception, the owned
/// label is closed and the borrowed `knot` is left open for its caller.
#[hpy_method]
fn borrowing_panics<'a, 'ctx>(
    knot: Ref<'a, 'ctx, Knot>,
    label: &Handle<'ctx>,
) -> WithBorrowedFields<'a, 'ctx, BorrowingHolder> {
    holder_of(&knot, label).set_typed_borrowed(|_| panic!("no field for this knot"), &knot)
}

/// Where a dying `PhoenixKnot` puts the object it keeps (issue 25, N2).
static KNOT_NEST: Global = Global::new();

/// A frozen `TypedField` target whose `__del__` brings back the object it
/// keeps (`bind`), which may be a holder that refers to it: on PyPy the
/// knot is then destroyed while that holder still references it.
#[hpy_class(module = "hpyrs_classes", frozen)]
struct PhoenixKnot {
    value: i64,
    /// Drop glue, so that the knot has a `tp_destroy`.
    name: String,
    back: Field,
}

#[hpy_methods]
impl PhoenixKnot {
    #[new]
    fn new(value: i64) -> PhoenixKnot {
        PhoenixKnot {
            value,
            name: format!("knot {value}"),
            back: Field::new(),
        }
    }

    /// Keeps `obj`.
    fn bind<'ctx>(slf: Ref<'_, 'ctx, Self>, obj: &Handle<'ctx>) {
        slf.store(&slf.back, Some(obj));
    }

    #[getter]
    fn value(&self) -> i64 {
        self.value
    }

    fn __del__(slf: Ref<'_, '_, Self>) -> HPyResult<()> {
        if let Some(back) = slf.load(&slf.back) {
            KNOT_NEST.store(&back)?;
        }
        Ok(())
    }
}

typed_holder!(
    /// A frozen class without drop glue holding a `PhoenixKnot` in a
    /// `TypedField` (where objects can be destroyed while referenced, it
    /// gets a `tp_destroy` for that alone).
    PhoenixHolder,
    PhoenixKnot
);

/// Takes what a dying `PhoenixKnot` stored (None if nothing).
#[hpy_method]
fn knot_nest<'ctx>(ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    let kept = KNOT_NEST.load(ctx)?;
    KNOT_NEST.store(&ctx.none())?;
    Ok(kept.filter(|k| !k.is_none()))
}

/// A frozen class with more `TypedField`s than a `WithFields` keeps
/// inline, set after an untyped `Field` (the builder's indices).
#[hpy_class(module = "hpyrs_classes", frozen)]
struct Chain {
    label: Field,
    knots: [TypedField<Knot>; 6],
}

#[hpy_methods]
impl Chain {
    #[new]
    fn new<'ctx>(
        label: &Handle<'ctx>,
        knots: Vec<Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, Chain>> {
        let chain = Chain {
            label: Field::new(),
            knots: Default::default(),
        };
        let mut new = WithFields::new(chain);
        new.put(|c| &c.label, label.dup());
        for (i, knot) in knots.iter().take(6).enumerate() {
            new.put_typed(|c| &c.knots[i], &knot.extract::<Ref<'_, '_, Knot>>()?);
        }
        Ok(new)
    }

    /// Each knot's value (None where none was given).
    fn values(slf: Ref<'_, '_, Self>) -> Vec<Option<i64>> {
        slf.knots
            .iter()
            .map(|f| slf.get_typed(f).map(|k| k.value))
            .collect()
    }

    fn label<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Option<Handle<'ctx>> {
        slf.load(&slf.label)
    }
}

/// A Rust subclass of `Knot`: its instances are stored through
/// `TypedField<Knot>`s as `Knot`s.
#[hpy_class(module = "hpyrs_classes", extends = Knot, frozen)]
struct BigKnot {
    extra: i64,
}

#[hpy_methods]
impl BigKnot {
    #[new]
    fn new(value: i64, extra: i64) -> (BigKnot, Knot) {
        (
            BigKnot { extra },
            Knot {
                value,
                name: format!("big {value}"),
                back: Field::new(),
            },
        )
    }

    #[getter]
    fn extra(&self) -> i64 {
        self.extra
    }
}

/// (dropped `Knot`s, dropped `Holder`s).
#[hpy_method]
fn typed_counts() -> (isize, isize) {
    (
        DROPPED_KNOTS.load(Ordering::Relaxed),
        DROPPED_HOLDERS.load(Ordering::Relaxed),
    )
}

hpy_module! {
    /// Classes for the hpy-rs test suite.
    methods: [
        make_token, live_vectors, node_counts, read_then_call, is_vector, x_or_id, sum_x,
        dropped_animals, dropped_shapes, phoenix_nest, phoenix_callback, typed_counts, knot_nest,
        borrowing_holder, borrowing_panics,
    ],
    types: [
        Vector, Seq, SqOnly, Node, TaggedFloat, CountingList, Token, Meta, WithMeta, Counter, RustCell, RustTally, Animal, Dog,
        Puppy, Cat, Pair, Bomb, Shapes, Labelled, Countdown, Ready, Ticker, Record, Doubler,
        Phoenix, Sealed, Knot, Holder, FrozenHolder, BorrowingHolder,
        PhoenixKnot, PhoenixHolder, Chain, BigKnot, Cons, Tri,
    ],
    globals: [PHOENIX_NEST, PHOENIX_CALLBACK, KNOT_NEST],
    submodules: [submodules::geometry, submodules::hidden],
    exec: init,
}
