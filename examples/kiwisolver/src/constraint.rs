//! `Constraint`: a reduced expression, a relational operator and a
//! strength. The kasuari constraint a solver works on is built by the
//! solver when the constraint is added (`Constraint::kasuari`).

use std::sync::atomic::{AtomicU64, Ordering};

use hpy::{hpy_class, hpy_methods, Field, HPyErr, HPyResult, Handle, IntoHPy, Ref, WithFields};
use kasuari::RelationalOperator;

use crate::format::push_g;
use crate::symbolics::{Expression, Pairs, Variable};

/// A relational operator of a constraint (`expression op 0`).
#[derive(Clone, Copy)]
pub enum Op {
    Eq,
    Le,
    Ge,
}

impl Op {
    fn parse(obj: &Handle<'_>) -> HPyResult<Op> {
        if !obj.is_str() {
            return Err(HPyErr::type_error(format!(
                "Expected object of type `str`. Got object of type `{}` instead.",
                obj.type_name()
            )));
        }
        match obj.extract::<&str>()? {
            "==" => Ok(Op::Eq),
            "<=" => Ok(Op::Le),
            ">=" => Ok(Op::Ge),
            other => Err(HPyErr::value_error(format!(
                "relational operator must be '==', '<=', or '>=', not '{other}'"
            ))),
        }
    }

    fn kasuari(self) -> RelationalOperator {
        match self {
            Op::Eq => RelationalOperator::Equal,
            Op::Le => RelationalOperator::LessOrEqual,
            Op::Ge => RelationalOperator::GreaterOrEqual,
        }
    }
}

fn symbol(op: RelationalOperator) -> &'static str {
    match op {
        RelationalOperator::Equal => "==",
        RelationalOperator::LessOrEqual => "<=",
        RelationalOperator::GreaterOrEqual => ">=",
    }
}

/// A strength given as a number or as the name of a predefined one.
pub fn strength_of(obj: &Handle<'_>) -> HPyResult<kasuari::Strength> {
    if obj.is_str() {
        return match obj.extract::<&str>()? {
            "required" => Ok(kasuari::Strength::REQUIRED),
            "strong" => Ok(kasuari::Strength::STRONG),
            "medium" => Ok(kasuari::Strength::MEDIUM),
            "weak" => Ok(kasuari::Strength::WEAK),
            other => Err(HPyErr::value_error(format!(
                "string strength must be 'required', 'strong', 'medium', or 'weak', not '{other}'"
            ))),
        };
    }
    Ok(kasuari::Strength::new(obj.extract::<f64>()?))
}

/// The number the next constraint gets.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// A relation between an expression and zero, with a strength.
///
/// Nothing in it needs dropping, so the class has no `tp_destroy` (on PyPy
/// a destructor per constraint cost more than the rest of building one):
/// the `kasuari::Constraint` (an `Arc`) is built by a `Solver` when the
/// constraint is added, and the solver finds it again by `id`.
#[hpy_class(module = "kiwisolver", frozen, subclass)]
pub struct Constraint {
    /// The reduced `Expression` (each variable once).
    expression: Field,
    op: RelationalOperator,
    strength: kasuari::Strength,
    /// This constraint's own number, never given to another one.
    pub(crate) id: u64,
}

impl Constraint {
    /// The constraint `expr op 0` (`expr` an `Expression`), whose
    /// expression is `expr` with the terms of each variable merged (in the
    /// order of their first appearance).
    pub(crate) fn reduced<'ctx>(
        expr: &Handle<'ctx>,
        op: Op,
        strength: kasuari::Strength,
    ) -> HPyResult<WithFields<'ctx, Constraint>> {
        let ctx = expr.context();
        let expr = expr.extract::<Ref<'_, 'ctx, Expression>>()?;
        let mut pairs = Pairs::new();
        Expression::for_each_pair(&expr, |variable, coefficient| {
            pairs.push((variable, coefficient));
            Ok(())
        })?;
        Constraint::of_pairs(ctx, &mut pairs, expr.constant, op, strength)
    }

    /// The constraint `sum(pairs) + constant op 0`, reduced as by
    /// [`Constraint::reduced`]: an operator's comparison goes straight
    /// from its operands' terms to the reduced expression, without the
    /// unreduced `Expression` object no one could see.
    #[inline(always)]
    pub(crate) fn of_pairs<'ctx>(
        ctx: hpy::Context<'ctx>,
        pairs: &mut Pairs<'ctx>,
        constant: f64,
        op: Op,
        strength: kasuari::Strength,
    ) -> HPyResult<WithFields<'ctx, Constraint>> {
        // Each `Variable` object is one kasuari variable: the terms of one
        // are merged by identity.
        pairs.merge_by_variable();
        let reduced = Expression::from_pairs(ctx, pairs, constant)?;
        Ok(Constraint::with_expression(reduced, op.kasuari(), strength))
    }

    /// A new constraint of `expression` (reduced), `op` and `strength`.
    #[inline(always)]
    fn with_expression<'ctx>(
        expression: Handle<'ctx>,
        op: RelationalOperator,
        strength: kasuari::Strength,
    ) -> WithFields<'ctx, Constraint> {
        WithFields::new(Constraint {
            expression: Field::new(),
            op,
            strength,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
        .set(|c| &c.expression, expression)
    }

    /// The kasuari constraint of `slf`, for a solver: its terms are the
    /// reduced expression's, in order, and `each` sees their variables.
    pub(crate) fn kasuari<'ctx>(
        slf: &Ref<'_, 'ctx, Self>,
        mut each: impl FnMut(&Ref<'_, 'ctx, Variable>) -> HPyResult<()>,
    ) -> HPyResult<kasuari::Constraint> {
        let expression = Constraint::expression_of(slf)?;
        let expression = expression.extract::<Ref<'_, 'ctx, Expression>>()?;
        let mut terms = Vec::new();
        Expression::for_each_pair(&expression, |variable, coefficient| {
            let variable = variable.extract::<Ref<'_, 'ctx, Variable>>()?;
            each(&variable)?;
            terms.push(kasuari::Term::new(variable.id, coefficient));
            Ok(())
        })?;
        Ok(kasuari::Constraint::new(
            kasuari::Expression::new(terms, expression.constant),
            slf.op,
            slf.strength,
        ))
    }

    /// The reduced expression.
    pub(crate) fn expression_of<'ctx>(slf: &Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        slf.load(&slf.expression)
            .ok_or_else(|| HPyErr::system_error("Constraint without an expression"))
    }

    /// Whether the variables' current values violate the constraint.
    fn violated(slf: &Ref<'_, '_, Self>) -> HPyResult<bool> {
        let expression = Constraint::expression_of(slf)?;
        let value = Expression::value_of(&expression.extract::<Ref<'_, '_, Expression>>()?)?;
        Ok(match slf.op {
            RelationalOperator::Equal => value.abs() >= 1.0e-8,
            RelationalOperator::LessOrEqual => value > 0.0,
            RelationalOperator::GreaterOrEqual => value < 0.0,
        })
    }

    /// This constraint with another strength (same expression object).
    fn with_strength<'ctx>(
        slf: &Ref<'_, 'ctx, Self>,
        strength: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        let strength = strength_of(strength)?;
        let expression = Constraint::expression_of(slf)?;
        Constraint::with_expression(expression, slf.op, strength).into_hpy(slf.handle().context())
    }

    /// The names of the variables of the constraint's terms, in order.
    pub(crate) fn names(slf: &Ref<'_, '_, Self>) -> HPyResult<Vec<String>> {
        let mut names = Vec::new();
        let expression = Constraint::expression_of(slf)?;
        Expression::for_each_pair(
            &expression.extract::<Ref<'_, '_, Expression>>()?,
            |variable, _| {
                let mut name = String::new();
                Variable::push_name(&variable.extract::<Ref<'_, '_, Variable>>()?, &mut name)?;
                names.push(name);
                Ok(())
            },
        )?;
        Ok(names)
    }

    /// `1 * x + -2 <= 0 | strength = 1`, as kiwisolver prints it.
    pub(crate) fn describe(cn: &kasuari::Constraint, names: &[String]) -> String {
        let mut s = String::new();
        for (term, name) in cn.expr().terms.iter().zip(names) {
            push_g(&mut s, term.coefficient);
            s.push_str(" * ");
            s.push_str(name);
            s.push_str(" + ");
        }
        push_g(&mut s, cn.expr().constant);
        s.push(' ');
        s.push_str(symbol(cn.op()));
        s.push_str(" 0 | strength = ");
        push_g(&mut s, cn.strength().value());
        s
    }
}

#[hpy_methods]
impl Constraint {
    #[new]
    fn new<'ctx>(
        expression: &Handle<'ctx>,
        op: &Handle<'ctx>,
        strength: Option<&Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, Constraint>> {
        if !expression.is_instance_of::<Expression>()? {
            return Err(HPyErr::type_error(format!(
                "Expected object of type `Expression`. Got object of type `{}` instead.",
                expression.type_name()
            )));
        }
        let op = Op::parse(op)?;
        let strength = match strength {
            Some(s) => strength_of(s)?,
            None => kasuari::Strength::REQUIRED,
        };
        Constraint::reduced(expression, op, strength)
    }

    /// Get the expression object for the constraint.
    fn expression<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        Constraint::expression_of(&slf)
    }

    /// Get the relational operator for the constraint.
    fn op(&self) -> &'static str {
        symbol(self.op)
    }

    /// Get the strength for the constraint.
    fn strength(&self) -> f64 {
        self.strength.value()
    }

    /// Return whether or not the constraint was violated during the last
    /// solver pass.
    #[method(name = "violated")]
    fn is_violated(slf: Ref<'_, '_, Self>) -> HPyResult<bool> {
        Constraint::violated(&slf)
    }

    fn __str__(slf: Ref<'_, '_, Self>) -> HPyResult<String> {
        Constraint::__repr__(slf)
    }

    fn __repr__(slf: Ref<'_, '_, Self>) -> HPyResult<String> {
        let cn = Constraint::kasuari(&slf, |_| Ok(()))?;
        let mut s = Constraint::describe(&cn, &Constraint::names(&slf)?);
        if Constraint::violated(&slf)? {
            s.push_str(" (VIOLATED)");
        }
        Ok(s)
    }

    fn __or__<'ctx>(slf: Ref<'_, 'ctx, Self>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        Constraint::with_strength(&slf, other)
    }

    fn __ror__<'ctx>(slf: Ref<'_, 'ctx, Self>, other: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        Constraint::with_strength(&slf, other)
    }
}
