//! `Solver`: kasuari's solver, the variables it has seen (to write their
//! values back) and what `dumps` lists.

use hpy::{
    hpy_class, hpy_methods, Context, Field, HPyErr, HPyResult, Handle, IntoHPy, List, Ref, RefMut,
    WithFields,
};
use kasuari::{
    AddConstraintError, AddEditVariableError, RemoveConstraintError, RemoveEditVariableError,
    SuggestValueError,
};
use std::collections::HashMap;
use std::fmt::Write;

use crate::constraint::{strength_of, Constraint};
use crate::format::push_g;
use crate::symbolics::{Expression, Variable};
use crate::{
    BadRequiredStrength, DuplicateConstraint, DuplicateEditVariable, UnknownConstraint,
    UnknownEditVariable, UnsatisfiableConstraint,
};

fn internal(e: kasuari::InternalSolverError) -> HPyErr {
    HPyErr::runtime_error(e.to_string())
}

/// Kiwi solver class.
#[hpy_class(module = "kiwisolver", subclass)]
pub struct Solver {
    solver: kasuari::Solver,
    /// A list of every `Variable` of the constraints and edits added since
    /// the last reset: `updateVariables` writes their values.
    variables: Field,
    /// Where each of those variables is in `variables`.
    vars: HashMap<kasuari::Variable, usize>,
    /// The constraints in the solver by their `Constraint::id`: the kasuari
    /// constraint built for each and its number in the order they came.
    constraints: HashMap<u64, (kasuari::Constraint, u64)>,
    /// The edit variables and their strengths.
    edits: HashMap<kasuari::Variable, f64>,
    added: u64,
}

#[hpy_methods]
impl Solver {
    #[new]
    fn new(ctx: Context<'_>) -> HPyResult<WithFields<'_, Solver>> {
        Ok(WithFields::new(Solver {
            solver: kasuari::Solver::new(),
            variables: Field::new(),
            vars: HashMap::new(),
            constraints: HashMap::new(),
            edits: HashMap::new(),
            added: 0,
        })
        .set(|s| &s.variables, ctx.new_list()?.into_handle()))
    }

    /// Add a constraint to the solver.
    #[method(name = "addConstraint", signature = (constraint, /))]
    fn add_constraint<'ctx>(
        mut slf: RefMut<'_, 'ctx, Self>,
        constraint: Ref<'_, 'ctx, Constraint>,
    ) -> HPyResult<()> {
        if slf.constraints.contains_key(&constraint.id) {
            return Err(DuplicateConstraint::new_err(
                constraint.handle().context(),
                constraint.handle(),
            ));
        }
        let cn = Constraint::kasuari(&constraint, |_| Ok(()))?;
        match slf.solver.add_constraint(cn.clone()) {
            Ok(()) => {
                if cn
                    .expr()
                    .terms
                    .iter()
                    .any(|t| !slf.vars.contains_key(&t.variable))
                {
                    // The reduced expression's terms are `cn`'s, in order.
                    let expression = Constraint::expression_of(&constraint)?;
                    let expression = expression.extract::<Ref<'_, 'ctx, Expression>>()?;
                    Expression::for_each_pair(&expression, |variable, _| {
                        Solver::keep(&mut slf, &variable.extract::<Ref<'_, 'ctx, Variable>>()?)
                    })?;
                }
                slf.added += 1;
                let added = slf.added;
                slf.constraints.insert(constraint.id, (cn, added));
                Ok(())
            }
            Err(AddConstraintError::DuplicateConstraint) => Err(DuplicateConstraint::new_err(
                constraint.handle().context(),
                constraint.handle(),
            )),
            Err(AddConstraintError::UnsatisfiableConstraint) => {
                Err(UnsatisfiableConstraint::new_err(
                    constraint.handle().context(),
                    constraint.handle(),
                ))
            }
            Err(AddConstraintError::InternalSolverError(e)) => Err(internal(e)),
        }
    }

    /// Remove a constraint from the solver.
    #[method(name = "removeConstraint", signature = (constraint, /))]
    fn remove_constraint(&mut self, constraint: Ref<'_, '_, Constraint>) -> HPyResult<()> {
        let unknown =
            || UnknownConstraint::new_err(constraint.handle().context(), constraint.handle());
        let Some((cn, _)) = self.constraints.get(&constraint.id) else {
            return Err(unknown());
        };
        match self.solver.remove_constraint(cn) {
            Ok(()) => {
                self.constraints.remove(&constraint.id);
                Ok(())
            }
            Err(RemoveConstraintError::UnknownConstraint) => Err(unknown()),
            Err(RemoveConstraintError::InternalSolverError(e)) => Err(internal(e)),
        }
    }

    /// Check whether the solver contains a constraint.
    #[method(name = "hasConstraint", signature = (constraint, /))]
    fn has_constraint(&self, constraint: Ref<'_, '_, Constraint>) -> bool {
        self.constraints.contains_key(&constraint.id)
    }

    /// Add an edit variable to the solver.
    #[method(name = "addEditVariable", signature = (variable, strength, /))]
    fn add_edit_variable<'ctx>(
        mut slf: RefMut<'_, 'ctx, Self>,
        variable: Ref<'_, 'ctx, Variable>,
        strength: &Handle<'_>,
    ) -> HPyResult<()> {
        let strength = strength_of(strength)?;
        let id = variable.id;
        match slf.solver.add_edit_variable(id, strength) {
            Ok(()) => {
                Solver::keep(&mut slf, &variable)?;
                slf.edits.insert(id, strength.value());
                Ok(())
            }
            Err(AddEditVariableError::DuplicateEditVariable) => Err(
                DuplicateEditVariable::new_err(variable.handle().context(), variable.handle()),
            ),
            Err(AddEditVariableError::BadRequiredStrength) => Err(BadRequiredStrength::new_err(
                "A required strength cannot be used by an edit variable",
            )),
        }
    }

    /// Remove an edit variable from the solver.
    #[method(name = "removeEditVariable", signature = (variable, /))]
    fn remove_edit_variable(&mut self, variable: Ref<'_, '_, Variable>) -> HPyResult<()> {
        match self.solver.remove_edit_variable(variable.id) {
            Ok(()) => {
                self.edits.remove(&variable.id);
                Ok(())
            }
            Err(RemoveEditVariableError::UnknownEditVariable) => Err(UnknownEditVariable::new_err(
                variable.handle().context(),
                variable.handle(),
            )),
            Err(RemoveEditVariableError::InternalSolverError(e)) => Err(internal(e)),
        }
    }

    /// Check whether the solver contains an edit variable.
    #[method(name = "hasEditVariable", signature = (variable, /))]
    fn has_edit_variable(&self, variable: Ref<'_, '_, Variable>) -> bool {
        self.solver.has_edit_variable(&variable.id)
    }

    /// Suggest a desired value for an edit variable.
    #[method(name = "suggestValue", signature = (variable, value, /))]
    fn suggest_value(&mut self, variable: Ref<'_, '_, Variable>, value: f64) -> HPyResult<()> {
        match self.solver.suggest_value(variable.id, value) {
            Ok(()) => Ok(()),
            Err(SuggestValueError::UnknownEditVariable) => Err(UnknownEditVariable::new_err(
                variable.handle().context(),
                variable.handle(),
            )),
            Err(SuggestValueError::InternalSolverError(e)) => Err(internal(e)),
        }
    }

    /// Update the values of the solver variables.
    #[method(name = "updateVariables")]
    fn update_variables(slf: Ref<'_, '_, Self>) -> HPyResult<()> {
        let variables = Solver::variables(&slf)?;
        for (id, at) in &slf.vars {
            let variable = variables.get(*at as isize)?;
            let variable = variable.extract::<Ref<'_, '_, Variable>>()?;
            variable.set_value(slf.solver.get_value(*id));
        }
        Ok(())
    }

    /// Reset the solver to the initial empty starting condition.
    fn reset(mut slf: RefMut<'_, '_, Self>) -> HPyResult<()> {
        let fresh = slf.handle().context().new_list()?;
        slf.store(&slf.variables, Some(&fresh));
        slf.solver.reset();
        slf.vars.clear();
        slf.constraints.clear();
        slf.edits.clear();
        Ok(())
    }

    /// Dump a representation of the solver internals to stdout.
    fn dump(slf: Ref<'_, '_, Self>) -> HPyResult<()> {
        let ctx = slf.handle().context();
        let text = Solver::dumps(slf)?.into_hpy(ctx)?;
        let stdout = ctx.import_module("sys")?.get_attr_s("stdout")?;
        stdout.call_method_s("write", &[&text])?;
        Ok(())
    }

    /// Dump a representation of the solver internals to a string.
    fn dumps(slf: Ref<'_, '_, Self>) -> HPyResult<String> {
        let variables = Solver::variables(&slf)?;
        let mut names = HashMap::with_capacity(slf.vars.len());
        for (id, at) in &slf.vars {
            let variable = variables.get(*at as isize)?;
            let mut name = String::new();
            Variable::push_name(&variable.extract::<Ref<'_, '_, Variable>>()?, &mut name)?;
            names.insert(*id, name);
        }
        let mut s = String::new();
        let section = |s: &mut String, title: &str| {
            let _ = writeln!(s, "{title}\n{}", "-".repeat(title.len()));
        };
        // kasuari keeps its tableau private: these three sections say so
        // instead of listing it.
        for title in ["Objective", "Tableau", "Infeasible"] {
            section(&mut s, title);
            s.push_str("(kept private by the kasuari solver)\n\n");
        }
        section(&mut s, "Variables");
        let mut vars: Vec<_> = slf.vars.keys().copied().collect();
        vars.sort();
        for id in &vars {
            let _ = write!(s, "{} = ", names[id]);
            push_g(&mut s, slf.solver.get_value(*id));
            s.push('\n');
        }
        s.push('\n');
        section(&mut s, "Edit Variables");
        for id in vars.iter().filter(|id| slf.edits.contains_key(id)) {
            let _ = write!(s, "{} | strength = ", names[id]);
            push_g(&mut s, slf.edits[id]);
            s.push('\n');
        }
        s.push('\n');
        section(&mut s, "Constraints");
        let mut constraints: Vec<_> = slf.constraints.values().collect();
        constraints.sort_by_key(|(_, n)| *n);
        for (cn, _) in constraints {
            let cn_names: Vec<String> = cn
                .expr()
                .terms
                .iter()
                .map(|t| names[&t.variable].clone())
                .collect();
            s.push_str(&Constraint::describe(cn, &cn_names));
            s.push('\n');
        }
        Ok(s)
    }
}

impl Solver {
    /// The list of the solver's variables.
    fn variables<'ctx>(slf: &Ref<'_, 'ctx, Self>) -> HPyResult<List<'ctx>> {
        slf.load(&slf.variables)
            .ok_or_else(|| HPyErr::system_error("Solver without its variables"))?
            .downcast::<List>()
            .map_err(HPyErr::from)
    }

    /// Remembers `variable`, to write its value in `updateVariables`.
    fn keep<'ctx>(
        slf: &mut RefMut<'_, 'ctx, Self>,
        variable: &Ref<'_, 'ctx, Variable>,
    ) -> HPyResult<()> {
        if slf.vars.contains_key(&variable.id) {
            return Ok(());
        }
        let variables = slf
            .load(&slf.variables)
            .ok_or_else(|| HPyErr::system_error("Solver without its variables"))?
            .downcast::<List>()?;
        variables.append(variable.handle())?;
        let at = slf.vars.len();
        slf.vars.insert(variable.id, at);
        Ok(())
    }
}
