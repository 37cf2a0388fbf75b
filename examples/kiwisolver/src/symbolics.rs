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
    ($class:ident, $($methods:tt)*) => {
        #[hpy_methods]
        impl $class {
            $($methods)*

            fn __neg__<'ctx>(slf: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                times(&Operand::$class(slf), -1.0)
            }

            fn __add__<'ctx>(slf: &Handle<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                add(&Operand::$class(slf), other, false)
            }

            fn __radd__<'ctx>(slf: &Handle<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                add(&Operand::$class(slf), other, true)
            }

            fn __sub__<'ctx>(slf: &Handle<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                sub(&Operand::$class(slf), other, false)
            }

            fn __rsub__<'ctx>(slf: &Handle<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                sub(&Operand::$class(slf), other, true)
            }

            fn __mul__<'ctx>(slf: &Handle<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                mul(&Operand::$class(slf), other)
            }

            fn __rmul__<'ctx>(slf: &Handle<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                mul(&Operand::$class(slf), other)
            }

            fn __truediv__<'ctx>(slf: &Handle<'ctx>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
                div(&Operand::$class(slf), other)
            }

            fn __richcmp__<'ctx>(
                slf: &Handle<'ctx>,
                other: &Handle<'ctx>,
                op: RichCompareOp,
            ) -> HPyResult<Handle<'ctx>> {
                compare(&Operand::$class(slf), other, op)
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
#[hpy_class(module = "kiwisolver", frozen)]
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
    #[method(name = "setName")]
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
    #[method(name = "setContext")]
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
#[hpy_class(module = "kiwisolver", frozen)]
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

/// Sum of terms and an additional constant.
#[hpy_class(module = "kiwisolver", frozen)]
pub struct Expression {
    /// A tuple of `Term`s.
    terms: Field,
    pub(crate) constant: f64,
}

impl Expression {
    /// A new `Expression` of a tuple of `Term`s.
    pub(crate) fn make<'ctx>(terms: Handle<'ctx>, constant: f64) -> HPyResult<Handle<'ctx>> {
        let ctx = terms.context();
        Expression::built(terms, constant).into_hpy(ctx)
    }

    fn built<'ctx>(terms: Handle<'ctx>, constant: f64) -> WithFields<'ctx, Expression> {
        WithFields::new(Expression {
            terms: Field::new(),
            constant,
        })
        .set(|e| &e.terms, terms)
    }

    /// The expression's value at the variables' current values.
    pub(crate) fn value_of(slf: &Ref<'_, '_, Self>) -> HPyResult<f64> {
        let mut value = slf.constant;
        for_each_term(&Expression::terms_of(slf)?, |term| {
            value += Term::value_of(term)?;
            Ok(())
        })?;
        Ok(value)
    }

    /// The tuple of `Term`s of an expression.
    pub(crate) fn terms_of<'ctx>(slf: &Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        slf.load(&slf.terms)
            .ok_or_else(|| HPyErr::system_error("Expression without terms"))
    }
}

symbolic_class! {
    Expression,
    #[new]
    fn new<'ctx>(
        ctx: Context<'ctx>,
        terms: &Handle<'ctx>,
        constant: Option<f64>,
    ) -> HPyResult<WithFields<'ctx, Expression>> {
        let items: Vec<Handle<'ctx>> = terms.extract()?;
        let mut tuple = TupleBuilder::new(ctx, items.len())?;
        for (i, item) in items.iter().enumerate() {
            if !item.is_instance_of::<Term>()? {
                return Err(HPyErr::type_error(format!(
                    "Expected object of type `Term`. Got object of type `{}` instead.",
                    item.type_name()
                )));
            }
            tuple.set(i, item)?;
        }
        Ok(Expression::built(
            tuple.build()?.into_handle(),
            constant.unwrap_or(0.0),
        ))
    }

    /// Get the constant for the expression.
    fn constant(&self) -> f64 {
        self.constant
    }

    /// Get the tuple of terms for the expression.
    fn terms<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        Expression::terms_of(&slf)
    }

    /// Get the value for the expression.
    fn value<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<f64> {
        Expression::value_of(&slf)
    }

    fn __str__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let mut s = String::new();
        for_each_term(&Expression::terms_of(&slf)?, |term| {
            Term::push(term, &mut s)?;
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
pub(crate) fn for_each_term<'ctx>(
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

/// An operand of the symbolic operators.
enum Operand<'h, 'ctx> {
    Number(f64),
    Variable(&'h Handle<'ctx>),
    Term(&'h Handle<'ctx>),
    Expression(&'h Handle<'ctx>),
}

/// What `obj` is as an operand; `None` for an unsupported type. As in
/// kiwisolver, the numbers are `float` and `int` (and their subclasses).
fn operand<'h, 'ctx>(obj: &'h Handle<'ctx>) -> HPyResult<Option<Operand<'h, 'ctx>>> {
    if obj.type_check_constant(Constant::FloatType)? {
        return Ok(Some(Operand::Number(obj.extract::<f64>()?)));
    }
    if obj.is_instance_of::<Expression>()? {
        return Ok(Some(Operand::Expression(obj)));
    }
    if obj.is_instance_of::<Term>()? {
        return Ok(Some(Operand::Term(obj)));
    }
    if obj.is_instance_of::<Variable>()? {
        return Ok(Some(Operand::Variable(obj)));
    }
    if obj.type_check_constant(Constant::LongType)? {
        return Ok(Some(Operand::Number(obj.extract::<f64>()?)));
    }
    Ok(None)
}

/// The terms an operand contributes to a sum, scaled by a sign.
enum Part<'h, 'ctx> {
    /// A number: no terms.
    Nothing,
    /// One term: an existing `Term` (sign 1) or a new one.
    Borrowed(&'h Handle<'ctx>),
    Owned(Handle<'ctx>),
    /// An expression's tuple of terms, each to be multiplied by the sign.
    Terms(Handle<'ctx>, f64),
}

impl<'h, 'ctx> Part<'h, 'ctx> {
    /// The part of `op` scaled by `sign`, and its constant so scaled.
    fn of(op: &Operand<'h, 'ctx>, sign: f64) -> HPyResult<(Part<'h, 'ctx>, f64)> {
        Ok(match *op {
            Operand::Number(x) => (Part::Nothing, sign * x),
            Operand::Variable(v) => (Part::Owned(scaled_variable(v, sign)?), 0.0),
            Operand::Term(t) if sign == 1.0 => (Part::Borrowed(t), 0.0),
            Operand::Term(t) => (Part::Owned(scaled_term(t, sign)?), 0.0),
            Operand::Expression(e) => {
                let expr = e.extract::<Ref<'_, 'ctx, Expression>>()?;
                (
                    Part::Terms(Expression::terms_of(&expr)?, sign),
                    sign * expr.constant,
                )
            }
        })
    }

    fn len(&self) -> HPyResult<usize> {
        Ok(match self {
            Part::Nothing => 0,
            Part::Borrowed(_) | Part::Owned(_) => 1,
            Part::Terms(tuple, _) => tuple.len()?,
        })
    }

    /// Puts the part's terms into `tuple` from index `at`.
    fn fill(&self, tuple: &mut TupleBuilder<'ctx>, at: usize) -> HPyResult<()> {
        match self {
            Part::Nothing => Ok(()),
            Part::Borrowed(term) => tuple.set(at, term),
            Part::Owned(term) => tuple.set(at, term),
            Part::Terms(terms, sign) => {
                for i in 0..terms.len()? {
                    let term = terms.get_item_i(i as isize)?;
                    if *sign == 1.0 {
                        tuple.set(at + i, &term)?;
                    } else {
                        tuple.set(at + i, &scaled_term(&term, *sign)?)?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// `term * k`: a new Term.
fn scaled_term<'ctx>(term: &Handle<'ctx>, k: f64) -> HPyResult<Handle<'ctx>> {
    let term = term.extract::<Ref<'_, 'ctx, Term>>()?;
    Term::make(&Term::variable_of(&term)?, term.coefficient * k)
}

/// `variable * k`: a new Term.
fn scaled_variable<'ctx>(variable: &Handle<'ctx>, k: f64) -> HPyResult<Handle<'ctx>> {
    Term::make(variable, k)
}

/// A new Expression of two parts' terms, in that order, and a constant.
/// An expression's unchanged tuple is shared, not copied.
fn expression_of<'ctx>(
    ctx: Context<'ctx>,
    first: &Part<'_, 'ctx>,
    second: &Part<'_, 'ctx>,
    constant: f64,
) -> HPyResult<Handle<'ctx>> {
    match (first, second) {
        (Part::Terms(tuple, sign), Part::Nothing) | (Part::Nothing, Part::Terms(tuple, sign))
            if *sign == 1.0 =>
        {
            return Expression::make(tuple.dup(), constant);
        }
        _ => {}
    }
    let n = first.len()?;
    let mut tuple = TupleBuilder::new(ctx, n + second.len()?)?;
    first.fill(&mut tuple, 0)?;
    second.fill(&mut tuple, n)?;
    Expression::make(tuple.build()?.into_handle(), constant)
}

/// `a + sign * b` as a new Expression, with kiwisolver's order of terms:
/// a term or variable combined with an expression comes after its terms.
fn combine<'ctx>(
    ctx: Context<'ctx>,
    a: &Operand<'_, 'ctx>,
    b: &Operand<'_, 'ctx>,
    sign: f64,
) -> HPyResult<Handle<'ctx>> {
    let (left, left_constant) = Part::of(a, 1.0)?;
    let (right, right_constant) = Part::of(b, sign)?;
    let constant = left_constant + right_constant;
    let right_first = matches!(b, Operand::Expression(_))
        && !matches!(a, Operand::Expression(_) | Operand::Number(_));
    if right_first {
        expression_of(ctx, &right, &left, constant)
    } else {
        expression_of(ctx, &left, &right, constant)
    }
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
    match *me {
        Operand::Expression(e) => {
            let (part, constant) = Part::of(me, k)?;
            let mut tuple = TupleBuilder::new(e.context(), part.len()?)?;
            part.fill(&mut tuple, 0)?;
            Expression::make(tuple.build()?.into_handle(), constant)
        }
        Operand::Term(t) => scaled_term(t, k),
        Operand::Variable(v) => scaled_variable(v, k),
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
fn handle_of<'h, 'ctx>(op: &Operand<'h, 'ctx>) -> Option<&'h Handle<'ctx>> {
    match *op {
        Operand::Variable(h) | Operand::Term(h) | Operand::Expression(h) => Some(h),
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
    let expr = combine(ctx, me, &other, -1.0)?;
    Constraint::reduced(&expr, op, kasuari::Strength::REQUIRED)?.into_hpy(ctx)
}
