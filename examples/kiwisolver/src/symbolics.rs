//! `Variable`, `Term` and `Expression`: the classes' data and what the
//! rest of the crate reads of them (values, names, terms). Their Python
//! methods and the operators between them and numbers are in [`methods`]:
//! a comparison there builds a `Constraint`, and a `Constraint` is built
//! of an `Expression`, so the classes themselves depend on no constraint.

use std::sync::atomic::{AtomicU64, Ordering};

use hpy::{
    hpy_class, Constant, Context, Field, HPyErr, HPyResult, Handle, IntoHPy, Ref, TupleBuilder,
    WithFields,
};

use crate::format::push_g;

mod methods;

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
