//! `Variable`, `Term` and `Expression`, and the operators between them and
//! numbers.
//!
//! Every operator follows kiwisolver's `symbolics.h`: a term or variable
//! combined with an expression puts the expression's terms first, anything
//! else keeps the left operand's terms first; `a - b` is `a + (-b)`;
//! multiplication and division take a number on one side only. An
//! unsupported operand gives `NotImplemented`, so Python raises the usual
//! `TypeError`.

use std::sync::atomic::{AtomicU64, Ordering};

use hpy::{
    hpy_class, hpy_methods, Constant, Context, Field, HPyErr, HPyResult, Handle, IntoHPy, Ref,
    RichCompareOp, TupleBuilder, WithFields,
};

use crate::constraint::{Constraint, Op};
use crate::format::push_g;

/// The `#[hpy_methods]` block of a symbolic class (`Variable`, `Term`,
/// `Expression`): the methods given, plus the operators, which all three
/// share (kiwisolver's C++ shares them through templates).
macro_rules! symbolic_class {
    ($class:ident, $slf:ident: $recv:ty => $operand:expr, $($methods:tt)*) => {
        #[hpy_methods]
        impl $class {
            $($methods)*

            fn __neg__<'ctx>($slf: $recv) -> HPyResult<Handle<'ctx>> {
                times(&$operand, -1.0)
            }

            fn __add__<'ctx>($slf: $recv, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                add(&$operand, other, false)
            }

            fn __radd__<'ctx>($slf: $recv, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                add(&$operand, other, true)
            }

            fn __sub__<'ctx>($slf: $recv, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                sub(&$operand, other, false)
            }

            fn __rsub__<'ctx>($slf: $recv, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                sub(&$operand, other, true)
            }

            fn __mul__<'ctx>($slf: $recv, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                mul(&$operand, other)
            }

            fn __rmul__<'ctx>($slf: $recv, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                mul(&$operand, other)
            }

            fn __truediv__<'ctx>($slf: $recv, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                div(&$operand, other)
            }

            fn __richcmp__<'ctx>(
                $slf: $recv,
                other: &Handle<'ctx>,
                op: RichCompareOp,
            ) -> HPyResult<Handle<'ctx>> {
                compare(&$operand, other, op)
            }
        }
    };
}

/// Variable to express a constraint in a solver.
///
/// Nothing in it needs dropping (its name is a Python `str` held in a
/// `Field`, its value an atomic word the solver writes through a shared
/// borrow), so the class has no `tp_destroy`: on PyPy an instance then
/// costs an allocation and no finalizer.
#[hpy_class(module = "kiwisolver", frozen, subclass)]
pub struct Variable {
    /// The variable's identity for kasuari.
    pub(crate) id: kasuari::Variable,
    /// The value's bits, written by `Solver.updateVariables`.
    value: AtomicU64,
    /// The name, a `str` (empty: `""`).
    name: Field,
    context: Field,
}

impl Variable {
    pub(crate) fn value_of(&self) -> f64 {
        f64::from_bits(self.value.load(Ordering::Relaxed))
    }

    pub(crate) fn set_value(&self, value: f64) {
        self.value.store(value.to_bits(), Ordering::Relaxed);
    }

    /// The name as a `str` object.
    fn name_of<'ctx>(slf: &Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        match slf.load(&slf.name) {
            Some(name) => Ok(name),
            None => "".into_hpy(slf.handle().context()),
        }
    }

    /// Appends the name to `s`.
    pub(crate) fn push_name(slf: &Ref<'_, '_, Self>, s: &mut String) -> HPyResult<()> {
        if let Some(name) = slf.load(&slf.name) {
            s.push_str(name.extract::<&str>()?);
        }
        Ok(())
    }

    /// The `str` to keep as a name: `name` itself if it is exactly a
    /// `str`, else a `str` copy (a subclass's extra behaviour is not kept,
    /// as kiwisolver copies the text); `TypeError` for anything else.
    fn name_object<'ctx>(name: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        let text = name.extract::<&str>()?;
        let ctx = name.context();
        if name.get_type().is(&ctx.constant(Constant::UnicodeType)) {
            Ok(name.dup())
        } else {
            text.into_hpy(ctx)
        }
    }
}

symbolic_class! {
    Variable,
    slf: &Handle<'ctx> => Operand::Variable(slf),
    #[new]
    fn new<'ctx>(
        name: Option<&Handle<'ctx>>,
        context: Option<&Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, Variable>> {
        let mut var = WithFields::new(Variable {
            id: kasuari::Variable::new(),
            value: AtomicU64::new(0f64.to_bits()),
            name: Field::new(),
            context: Field::new(),
        });
        if let Some(name) = name {
            var = var.set(|v| &v.name, Variable::name_object(name)?);
        }
        Ok(match context {
            Some(context) if !context.is_none() => var.set(|v| &v.context, context.dup()),
            _ => var,
        })
    }

    /// Get the name of the variable.
    fn name<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        Variable::name_of(&slf)
    }

    /// Set the name of the variable.
    #[method(name = "setName", signature = (name, /))]
    fn set_name<'ctx>(slf: Ref<'_, 'ctx, Self>, name: &Handle<'ctx>) -> HPyResult<()> {
        slf.store(&slf.name, Some(&Variable::name_object(name)?));
        Ok(())
    }

    /// Get the current value of the variable.
    fn value(&self) -> f64 {
        self.value_of()
    }

    /// Get the context object associated with the variable.
    fn context<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Handle<'ctx> {
        slf.load(&slf.context)
            .unwrap_or_else(|| slf.handle().context().none())
    }

    /// Set the context object associated with the variable.
    #[method(name = "setContext", signature = (context, /))]
    fn set_context<'ctx>(slf: Ref<'_, 'ctx, Self>, context: &Handle<'ctx>) {
        slf.store(&slf.context, (!context.is_none()).then_some(context));
    }

    fn __str__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        Variable::name_of(&slf)
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        Variable::name_of(&slf)
    }
}

/// Product of a variable by a constant pre-factor. No drop glue: the
/// variable is the Python object, held in a `Field`.
#[hpy_class(module = "kiwisolver", frozen, subclass)]
pub struct Term {
    variable: Field,
    pub(crate) coefficient: f64,
}

impl Term {
    /// A new `Term` of the Python `Variable` `variable`.
    pub(crate) fn make<'ctx>(variable: &Handle<'ctx>, coefficient: f64) -> HPyResult<Handle<'ctx>> {
        Term::built(variable, coefficient).into_hpy(variable.context())
    }

    fn built<'ctx>(variable: &Handle<'ctx>, coefficient: f64) -> WithFields<'ctx, Term> {
        WithFields::new(Term {
            variable: Field::new(),
            coefficient,
        })
        .set(|t| &t.variable, variable.dup())
    }

    /// The Python `Variable` of a term.
    pub(crate) fn variable_of<'ctx>(slf: &Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        slf.load(&slf.variable)
            .ok_or_else(|| HPyErr::system_error("Term without a variable"))
    }

    /// Calls `f` with the term's `Variable`.
    pub(crate) fn with_variable<'ctx, R>(
        slf: &Ref<'_, 'ctx, Self>,
        f: impl FnOnce(&Ref<'_, 'ctx, Variable>) -> HPyResult<R>,
    ) -> HPyResult<R> {
        let variable = Term::variable_of(slf)?;
        let variable = variable.extract::<Ref<'_, 'ctx, Variable>>()?;
        f(&variable)
    }

    /// The term's value.
    pub(crate) fn value_of(slf: &Ref<'_, '_, Self>) -> HPyResult<f64> {
        Term::with_variable(slf, |v| Ok(slf.coefficient * v.value_of()))
    }

    /// Appends `coefficient * name` to `s`.
    pub(crate) fn push(slf: &Ref<'_, '_, Self>, s: &mut String) -> HPyResult<()> {
        Term::with_variable(slf, |v| push_term(s, slf.coefficient, v))
    }
}

symbolic_class! {
    Term,
    slf: Ref<'_, 'ctx, Self> => Operand::Term(slf),
    #[new]
    fn new<'ctx>(
        variable: Ref<'_, 'ctx, Variable>,
        coefficient: Option<f64>,
    ) -> WithFields<'ctx, Term> {
        Term::built(variable.handle(), coefficient.unwrap_or(1.0))
    }

    /// Get the coefficient for the term.
    fn coefficient(&self) -> f64 {
        self.coefficient
    }

    /// Get the variable for the term.
    fn variable<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        Term::variable_of(&slf)
    }

    /// Get the value for the term.
    fn value<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<f64> {
        Term::value_of(&slf)
    }

    fn __str__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let mut s = String::new();
        Term::push(&slf, &mut s)?;
        Ok(s)
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        Term::__str__(slf)
    }
}

/// How many terms an `Expression` keeps inline.
const INLINE: usize = 4;

/// How many terms an expression being built keeps on the stack: two
/// expressions' inline terms, so that an operator between two of them
/// allocates nothing.
const PAIRS_INLINE: usize = 2 * INLINE;

/// The terms of an expression being built: (the `Variable`, coefficient),
/// in order. The first [`PAIRS_INLINE`] are kept on the stack: a `Vec`
/// here cost a `malloc` and a `free` per operator, twice for a comparison
/// (on PyPy about 200 of the 13,000 instructions of `expr >= c`,
/// `bench/object-costs`). Passed by reference, so that the arrays are not
/// copied from function to function.
pub(crate) struct Pairs<'ctx> {
    /// The variables of the first `min(len, PAIRS_INLINE)` terms (`None`
    /// once taken).
    variables: [Option<Handle<'ctx>>; PAIRS_INLINE],
    coefficients: [f64; PAIRS_INLINE],
    len: usize,
    /// The terms after the inline ones.
    spill: Vec<(Handle<'ctx>, f64)>,
}

impl<'ctx> Pairs<'ctx> {
    pub(crate) fn new() -> Self {
        Pairs {
            variables: Default::default(),
            coefficients: [0.0; PAIRS_INLINE],
            len: 0,
            spill: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, (variable, coefficient): (Handle<'ctx>, f64)) {
        match self.variables.get_mut(self.len) {
            Some(free) => {
                *free = Some(variable);
                self.coefficients[self.len] = coefficient;
            }
            None => self.spill.push((variable, coefficient)),
        }
        self.len += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The terms from the `skip`-th on, in order (none taken yet).
    fn iter_from(&self, skip: usize) -> impl Iterator<Item = (&Handle<'ctx>, f64)> {
        let inline = self.len.min(PAIRS_INLINE);
        let start = skip.min(inline);
        self.variables[start..inline]
            .iter()
            .zip(&self.coefficients[start..inline])
            .filter_map(|(v, k)| Some((v.as_ref()?, *k)))
            .chain(
                self.spill
                    .iter()
                    .skip(skip.saturating_sub(PAIRS_INLINE))
                    .map(|(v, k)| (v, *k)),
            )
    }

    /// Takes the variable of term `i` (`i < PAIRS_INLINE`).
    fn take_variable(&mut self, i: usize) -> Option<Handle<'ctx>> {
        self.variables[i].take()
    }

    /// Merges the terms of each variable (by object identity, with no
    /// borrow of the variable) into its first one, keeping the order of
    /// first appearance.
    pub(crate) fn merge_by_variable(&mut self) {
        if !self.spill.is_empty() {
            return self.merge_long();
        }
        let n = self.len.min(PAIRS_INLINE);
        let mut kept = 0;
        for i in 0..n {
            let Some(variable) = &self.variables[i] else {
                continue;
            };
            let same = self.variables[..kept]
                .iter()
                .position(|m| m.as_ref().is_some_and(|m| m.is(variable)));
            match same {
                Some(j) => {
                    self.coefficients[j] += self.coefficients[i];
                    self.variables[i] = None;
                }
                None => {
                    // `kept <= i`, and the entries from `kept` to `i` were
                    // merged away (`None`): move this one down.
                    self.variables.swap(kept, i);
                    self.coefficients[kept] = self.coefficients[i];
                    kept += 1;
                }
            }
        }
        self.len = kept;
    }

    /// [`Pairs::merge_by_variable`] for more terms than the stack keeps.
    #[cold]
    fn merge_long(&mut self) {
        let inline = self.len.min(PAIRS_INLINE);
        let all = (0..inline)
            .filter_map(|i| Some((self.variables[i].take()?, self.coefficients[i])))
            .collect::<Vec<_>>();
        let mut merged = Pairs::new();
        for (variable, coefficient) in all.into_iter().chain(self.spill.drain(..)) {
            let same = merged.iter_from(0).position(|(m, _)| m.is(&variable));
            match same {
                Some(j) if j < PAIRS_INLINE => merged.coefficients[j] += coefficient,
                Some(j) => merged.spill[j - PAIRS_INLINE].1 += coefficient,
                None => merged.push((variable, coefficient)),
            }
        }
        *self = merged;
    }
}

/// Sum of terms and an additional constant.
///
/// The first `INLINE` terms are kept inline as (variable, coefficient);
/// `Term` objects for them are made only when Python asks for `terms()`
/// (and kept). Longer expressions keep the rest as a tuple of `Term`s. No
/// drop glue: no `tp_destroy`.
#[hpy_class(module = "kiwisolver", frozen, subclass)]
pub struct Expression {
    /// The `Variable`s of the first `len` terms.
    vars: [Field; INLINE],
    coefficients: [f64; INLINE],
    len: usize,
    /// A tuple of the `Term`s after the inline ones (empty if none).
    more: Field,
    /// `terms()`'s tuple, once made.
    terms: Field,
    pub(crate) constant: f64,
}

impl Expression {
    /// A new `Expression` of (variable, coefficient) pairs.
    #[inline(always)]
    pub(crate) fn from_pairs<'ctx>(
        ctx: Context<'ctx>,
        pairs: &mut Pairs<'ctx>,
        constant: f64,
    ) -> HPyResult<Handle<'ctx>> {
        Expression::built(ctx, pairs, constant, None)?.into_hpy(ctx)
    }

    /// The `WithFields` of [`Expression::from_pairs`]; `terms`, if given,
    /// is the tuple of `Term`s `terms()` returns.
    #[inline(always)]
    fn built<'ctx>(
        ctx: Context<'ctx>,
        pairs: &mut Pairs<'ctx>,
        constant: f64,
        terms: Option<Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, Expression>> {
        let len = pairs.len().min(INLINE);
        let mut coefficients = [0.0; INLINE];
        coefficients[..len].copy_from_slice(&pairs.coefficients[..len]);
        let mut expr = WithFields::new(Expression {
            vars: Default::default(),
            coefficients,
            len,
            more: Field::new(),
            terms: Field::new(),
            constant,
        });
        let mut rest = None;
        if pairs.len() > INLINE {
            let mut tuple = TupleBuilder::new(ctx, pairs.len() - INLINE)?;
            for (i, (variable, k)) in pairs.iter_from(INLINE).enumerate() {
                tuple.set(i, &Term::make(variable, k)?)?;
            }
            rest = Some(tuple.build()?.into_handle());
        }
        for i in 0..len {
            if let Some(variable) = pairs.take_variable(i) {
                expr.put(move |e| &e.vars[i], variable);
            }
        }
        if let Some(rest) = rest {
            expr.put(|e| &e.more, rest);
        }
        if let Some(terms) = terms {
            expr.put(|e| &e.terms, terms);
        }
        Ok(expr)
    }

    /// Calls `f` with each term's variable and coefficient, in order.
    pub(crate) fn for_each_pair<'ctx>(
        slf: &Ref<'_, 'ctx, Self>,
        mut f: impl FnMut(Handle<'ctx>, f64) -> HPyResult<()>,
    ) -> HPyResult<()> {
        for i in 0..slf.len {
            let variable = slf
                .load(&slf.vars[i])
                .ok_or_else(|| HPyErr::system_error("Expression without a variable"))?;
            f(variable, slf.coefficients[i])?;
        }
        if let Some(more) = slf.load(&slf.more) {
            for_each_term(&more, |term| f(Term::variable_of(term)?, term.coefficient))?;
        }
        Ok(())
    }

    /// Appends the terms, each coefficient multiplied by `k`, to `out`.
    fn push_pairs<'ctx>(slf: &Ref<'_, 'ctx, Self>, k: f64, out: &mut Pairs<'ctx>) -> HPyResult<()> {
        Expression::for_each_pair(slf, |variable, c| {
            out.push((variable, c * k));
            Ok(())
        })
    }

    /// The expression's value at the variables' current values.
    pub(crate) fn value_of(slf: &Ref<'_, '_, Self>) -> HPyResult<f64> {
        let mut value = slf.constant;
        Expression::for_each_pair(slf, |variable, c| {
            value += c * variable.extract::<Ref<'_, '_, Variable>>()?.value_of();
            Ok(())
        })?;
        Ok(value)
    }
}

symbolic_class! {
    Expression,
    slf: Ref<'_, 'ctx, Self> => Operand::Expression(slf),
    #[new]
    fn new<'ctx>(
        ctx: Context<'ctx>,
        terms: &Handle<'ctx>,
        constant: Option<f64>,
    ) -> HPyResult<WithFields<'ctx, Expression>> {
        let items: Vec<Handle<'ctx>> = terms.extract()?;
        let mut tuple = TupleBuilder::new(ctx, items.len())?;
        let mut pairs = Pairs::new();
        for (i, item) in items.iter().enumerate() {
            if !item.is_instance_of::<Term>()? {
                return Err(HPyErr::type_error(format!(
                    "Expected object of type `Term`. Got object of type `{}` instead.",
                    item.type_name()
                )));
            }
            let term = item.extract::<Ref<'_, 'ctx, Term>>()?;
            pairs.push((Term::variable_of(&term)?, term.coefficient));
            tuple.set(i, item)?;
        }
        // `terms()` gives back the caller's `Term`s, as kiwisolver does.
        let terms = Some(tuple.build()?.into_handle());
        Expression::built(ctx, &mut pairs, constant.unwrap_or(0.0), terms)
    }

    /// Get the constant for the expression.
    fn constant(&self) -> f64 {
        self.constant
    }

    /// Get the tuple of terms for the expression.
    fn terms<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        if let Some(terms) = slf.load(&slf.terms) {
            return Ok(terms);
        }
        let ctx = slf.handle().context();
        let more = slf.load(&slf.more);
        let extra = match &more {
            Some(more) => more.len()?,
            None => 0,
        };
        let mut tuple = TupleBuilder::new(ctx, slf.len + extra)?;
        for i in 0..slf.len {
            let variable = slf
                .load(&slf.vars[i])
                .ok_or_else(|| HPyErr::system_error("Expression without a variable"))?;
            tuple.set(i, &Term::make(&variable, slf.coefficients[i])?)?;
        }
        if let Some(more) = &more {
            for i in 0..extra {
                tuple.set(slf.len + i, &more.get_item_i(i as isize)?)?;
            }
        }
        let terms = tuple.build()?.into_handle();
        slf.store(&slf.terms, Some(&terms));
        Ok(terms)
    }

    /// Get the value for the expression.
    fn value<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<f64> {
        Expression::value_of(&slf)
    }

    fn __str__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let mut s = String::new();
        Expression::for_each_pair(&slf, |variable, c| {
            push_term(&mut s, c, &variable.extract::<Ref<'_, '_, Variable>>()?)?;
            s.push_str(" + ");
            Ok(())
        })?;
        push_g(&mut s, slf.constant);
        Ok(s)
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        Expression::__str__(slf)
    }
}

/// `coefficient * name`, as kiwisolver prints a term.
pub(crate) fn push_term(
    s: &mut String,
    coefficient: f64,
    variable: &Ref<'_, '_, Variable>,
) -> HPyResult<()> {
    push_g(s, coefficient);
    s.push_str(" * ");
    Variable::push_name(variable, s)
}

/// Calls `f` with each `Term` of a tuple of terms.
fn for_each_term<'ctx>(
    terms: &Handle<'ctx>,
    mut f: impl FnMut(&Ref<'_, 'ctx, Term>) -> HPyResult<()>,
) -> HPyResult<()> {
    for i in 0..terms.len()? {
        let item = terms.get_item_i(i as isize)?;
        f(&item.extract::<Ref<'_, 'ctx, Term>>()?)?;
    }
    Ok(())
}

// ---------------------------------------------------------------- operators

/// An operand of the symbolic operators: a `Term` or an `Expression`
/// already borrowed (its class tested once).
enum Operand<'h, 'ctx> {
    Number(f64),
    Variable(&'h Handle<'ctx>),
    Term(Ref<'h, 'ctx, Term>),
    Expression(Ref<'h, 'ctx, Expression>),
}

/// What `obj` is as an operand; `None` for an unsupported type. As in
/// kiwisolver, the numbers are `float` and `int` (and their subclasses)
/// and the symbolic classes are `Expression`, `Term` and `Variable`, which
/// cannot be subclassed, so the order of the tests changes no answer.
fn operand<'h, 'ctx>(obj: &'h Handle<'ctx>) -> HPyResult<Option<Operand<'h, 'ctx>>> {
    // Numbers first: a check against a builtin type is one compare (or one
    // HPy call), one of an own class is three HPy calls in the universal
    // ABI (load the type, check, close), so a number is not first tried
    // as three symbols.
    if obj.type_check_constant(Constant::FloatType)?
        || obj.type_check_constant(Constant::LongType)?
    {
        return Ok(Some(Operand::Number(obj.extract::<f64>()?)));
    }
    if let Some(expression) = obj.as_class::<Expression>()? {
        return Ok(Some(Operand::Expression(expression)));
    }
    if let Some(term) = obj.as_class::<Term>()? {
        return Ok(Some(Operand::Term(term)));
    }
    if obj.is_instance_of::<Variable>()? {
        return Ok(Some(Operand::Variable(obj)));
    }
    Ok(None)
}

/// Appends the terms of `op` scaled by `k` to `out`; returns its constant
/// so scaled.
fn push_operand<'ctx>(op: &Operand<'_, 'ctx>, k: f64, out: &mut Pairs<'ctx>) -> HPyResult<f64> {
    match op {
        Operand::Number(x) => Ok(k * x),
        Operand::Variable(v) => {
            out.push((v.dup(), k));
            Ok(0.0)
        }
        Operand::Term(term) => {
            out.push((Term::variable_of(term)?, term.coefficient * k));
            Ok(0.0)
        }
        Operand::Expression(expr) => {
            Expression::push_pairs(expr, k, out)?;
            Ok(k * expr.constant)
        }
    }
}

/// Appends the terms of `a + sign * b` to `pairs` and returns its
/// constant, in kiwisolver's order: a term or variable combined with an
/// expression comes after its terms.
fn combined<'ctx>(
    a: &Operand<'_, 'ctx>,
    b: &Operand<'_, 'ctx>,
    sign: f64,
    pairs: &mut Pairs<'ctx>,
) -> HPyResult<f64> {
    let right_first = matches!(b, Operand::Expression(_))
        && !matches!(a, Operand::Expression(_) | Operand::Number(_));
    let (first, first_k, second, second_k) = if right_first {
        (b, sign, a, 1.0)
    } else {
        (a, 1.0, b, sign)
    };
    let constant = push_operand(first, first_k, pairs)?;
    Ok(constant + push_operand(second, second_k, pairs)?)
}

/// `a + sign * b` as a new Expression.
fn combine<'ctx>(
    ctx: Context<'ctx>,
    a: &Operand<'_, 'ctx>,
    b: &Operand<'_, 'ctx>,
    sign: f64,
) -> HPyResult<Handle<'ctx>> {
    let mut pairs = Pairs::new();
    let constant = combined(a, b, sign, &mut pairs)?;
    Expression::from_pairs(ctx, &mut pairs, constant)
}

/// `me + sign * other`, or `other + sign * me` when `reflected`.
fn binary<'ctx>(
    me: &Operand<'_, 'ctx>,
    other: &Handle<'ctx>,
    reflected: bool,
    sign: f64,
) -> HPyResult<Handle<'ctx>> {
    let ctx = other.context();
    match operand(other)? {
        None => Ok(ctx.constant(Constant::NotImplemented)),
        Some(other) if reflected => combine(ctx, &other, me, sign),
        Some(other) => combine(ctx, me, &other, sign),
    }
}

fn add<'ctx>(
    me: &Operand<'_, 'ctx>,
    other: &Handle<'ctx>,
    reflected: bool,
) -> HPyResult<Handle<'ctx>> {
    binary(me, other, reflected, 1.0)
}

fn sub<'ctx>(
    me: &Operand<'_, 'ctx>,
    other: &Handle<'ctx>,
    reflected: bool,
) -> HPyResult<Handle<'ctx>> {
    binary(me, other, reflected, -1.0)
}

/// `me * k` for a Variable, Term or Expression `me`.
fn times<'ctx>(me: &Operand<'_, 'ctx>, k: f64) -> HPyResult<Handle<'ctx>> {
    match me {
        Operand::Expression(e) => {
            let mut pairs = Pairs::new();
            let constant = push_operand(me, k, &mut pairs)?;
            Expression::from_pairs(e.handle().context(), &mut pairs, constant)
        }
        Operand::Term(term) => Term::make(&Term::variable_of(term)?, term.coefficient * k),
        Operand::Variable(v) => Term::make(v, k),
        Operand::Number(_) => Err(HPyErr::system_error("kiwisolver: a number as a symbol")),
    }
}

/// The number `obj` stands for, or `None` (then the operator gives
/// `NotImplemented`).
fn number(obj: &Handle<'_>) -> HPyResult<Option<f64>> {
    Ok(match operand(obj)? {
        Some(Operand::Number(x)) => Some(x),
        _ => None,
    })
}

fn mul<'ctx>(me: &Operand<'_, 'ctx>, k: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    match number(k)? {
        Some(k) => times(me, k),
        None => Ok(k.context().constant(Constant::NotImplemented)),
    }
}

fn div<'ctx>(me: &Operand<'_, 'ctx>, k: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    match number(k)? {
        Some(0.0) => Err(HPyErr::zero_division_error("float division by zero")),
        Some(k) => times(me, 1.0 / k),
        None => Ok(k.context().constant(Constant::NotImplemented)),
    }
}

/// The object behind a symbolic operand.
fn handle_of<'a, 'ctx>(op: &'a Operand<'_, 'ctx>) -> Option<&'a Handle<'ctx>> {
    match op {
        Operand::Variable(h) => Some(h),
        Operand::Term(term) => Some(term.handle()),
        Operand::Expression(expr) => Some(expr.handle()),
        Operand::Number(_) => None,
    }
}

/// `me == other`, `me <= other`, `me >= other`: the Constraint
/// `me - other op 0`. The other comparisons raise `TypeError`.
fn compare<'ctx>(
    me: &Operand<'_, 'ctx>,
    other: &Handle<'ctx>,
    op: RichCompareOp,
) -> HPyResult<Handle<'ctx>> {
    let ctx = other.context();
    let op = match op {
        RichCompareOp::Eq => Op::Eq,
        RichCompareOp::Le => Op::Le,
        RichCompareOp::Ge => Op::Ge,
        RichCompareOp::Lt | RichCompareOp::Ne | RichCompareOp::Gt => {
            let symbol = match op {
                RichCompareOp::Lt => "<",
                RichCompareOp::Ne => "!=",
                _ => ">",
            };
            let me = handle_of(me).map_or_else(String::new, |me| me.type_qualified_name());
            return Err(HPyErr::type_error(format!(
                "unsupported operand type(s) for {symbol}: '{me}' and '{}'",
                other.type_qualified_name()
            )));
        }
    };
    let Some(other) = operand(other)? else {
        return Ok(ctx.constant(Constant::NotImplemented));
    };
    let mut pairs = Pairs::new();
    let constant = combined(me, &other, -1.0, &mut pairs)?;
    Constraint::of_pairs(ctx, &mut pairs, constant, op, kasuari::Strength::REQUIRED)?.into_hpy(ctx)
}
