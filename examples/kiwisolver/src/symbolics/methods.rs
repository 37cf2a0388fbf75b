//! The Python methods of `Variable`, `Term` and `Expression` (their
//! `#[hpy_methods]` blocks), and the operators between them and numbers.
//!
//! Every operator follows kiwisolver's `symbolics.h`: a term or variable
//! combined with an expression puts the expression's terms first, anything
//! else keeps the left operand's terms first; `a - b` is `a + (-b)`;
//! multiplication and division take a number on one side only. An
//! unsupported operand gives `NotImplemented`, so Python raises the usual
//! `TypeError`. A comparison (`==`, `<=`, `>=`) gives a `Constraint`.

use std::sync::atomic::AtomicU64;

use hpy::{
    hpy_methods, Constant, Context, Field, HPyErr, HPyResult, Handle, IntoHPy, Ref, RichCompareOp,
    TupleBuilder, WithFields,
};

use super::{push_term, Expression, Pairs, Term, Variable};
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
