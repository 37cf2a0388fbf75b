//! `Solver`: kasuari's solver, the variables it has seen (to write their
//! values back) and what `dumps` lists.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use hpy::{hpy_class, hpy_methods, Context, HPyErr, HPyResult, Handle, IntoHPy, Ref};
use kasuari::{
    AddConstraintError, AddEditVariableError, RemoveConstraintError, RemoveEditVariableError,
    SuggestValueError,
};

use crate::constraint::{strength_of, Constraint, VarList};
use crate::format::push_g;
use crate::symbolics::{VarData, Variable};
use crate::{
    BadRequiredStrength, DuplicateConstraint, DuplicateEditVariable, UnknownConstraint,
    UnknownEditVariable, UnsatisfiableConstraint,
};

fn internal(e: kasuari::InternalSolverError) -> HPyErr {
    HPyErr::runtime_error(e.to_string())
}

/// Kiwi solver class.
#[hpy_class(module = "kiwisolver")]
pub struct Solver {
    solver: kasuari::Solver,
    /// Every variable of the constraints and edits added since the last
    /// reset: `updateVariables` writes their values.
    vars: HashMap<kasuari::Variable, Arc<VarData>>,
    /// The constraints in the solver, numbered in the order they came.
    constraints: HashMap<kasuari::Constraint, (u64, VarList)>,
    /// The edit variables and their strengths.
    edits: HashMap<kasuari::Variable, f64>,
    added: u64,
}

#[hpy_methods]
impl Solver {
    #[new]
    fn new() -> Solver {
        Solver {
            solver: kasuari::Solver::new(),
            vars: HashMap::new(),
            constraints: HashMap::new(),
            edits: HashMap::new(),
            added: 0,
        }
    }

    /// Add a constraint to the solver.
    #[method(name = "addConstraint")]
    fn add_constraint(&mut self, constraint: Ref<'_, '_, Constraint>) -> HPyResult<()> {
        match self.solver.add_constraint(constraint.cn.clone()) {
            Ok(()) => {
                for var in constraint.vars.iter() {
                    self.vars.entry(var.id).or_insert_with(|| var.clone());
                }
                self.added += 1;
                self.constraints
                    .insert(constraint.cn.clone(), (self.added, constraint.vars.clone()));
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
    #[method(name = "removeConstraint")]
    fn remove_constraint(&mut self, constraint: Ref<'_, '_, Constraint>) -> HPyResult<()> {
        match self.solver.remove_constraint(&constraint.cn) {
            Ok(()) => {
                self.constraints.remove(&constraint.cn);
                Ok(())
            }
            Err(RemoveConstraintError::UnknownConstraint) => Err(UnknownConstraint::new_err(
                constraint.handle().context(),
                constraint.handle(),
            )),
            Err(RemoveConstraintError::InternalSolverError(e)) => Err(internal(e)),
        }
    }

    /// Check whether the solver contains a constraint.
    #[method(name = "hasConstraint")]
    fn has_constraint(&self, constraint: Ref<'_, '_, Constraint>) -> bool {
        self.solver.has_constraint(&constraint.cn)
    }

    /// Add an edit variable to the solver.
    #[method(name = "addEditVariable")]
    fn add_edit_variable(
        &mut self,
        variable: Ref<'_, '_, Variable>,
        strength: &Handle<'_>,
    ) -> HPyResult<()> {
        let strength = strength_of(strength)?;
        let data = &variable.data;
        match self.solver.add_edit_variable(data.id, strength) {
            Ok(()) => {
                self.vars.entry(data.id).or_insert_with(|| data.clone());
                self.edits.insert(data.id, strength.value());
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
    #[method(name = "removeEditVariable")]
    fn remove_edit_variable(&mut self, variable: Ref<'_, '_, Variable>) -> HPyResult<()> {
        match self.solver.remove_edit_variable(variable.data.id) {
            Ok(()) => {
                self.edits.remove(&variable.data.id);
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
    #[method(name = "hasEditVariable")]
    fn has_edit_variable(&self, variable: Ref<'_, '_, Variable>) -> bool {
        self.solver.has_edit_variable(&variable.data.id)
    }

    /// Suggest a desired value for an edit variable.
    #[method(name = "suggestValue")]
    fn suggest_value(&mut self, variable: Ref<'_, '_, Variable>, value: f64) -> HPyResult<()> {
        match self.solver.suggest_value(variable.data.id, value) {
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
    fn update_variables(&self) {
        for (id, data) in &self.vars {
            data.set_value(self.solver.get_value(*id));
        }
    }

    /// Reset the solver to the initial empty starting condition.
    fn reset(&mut self) {
        self.solver.reset();
        self.vars.clear();
        self.constraints.clear();
        self.edits.clear();
    }

    /// Dump a representation of the solver internals to stdout.
    fn dump(&self, ctx: Context<'_>) -> HPyResult<()> {
        let stdout = ctx.import_module("sys")?.get_attr_s("stdout")?;
        stdout.call_method_s("write", &[&self.dumps().into_hpy(ctx)?])?;
        Ok(())
    }

    /// Dump a representation of the solver internals to a string.
    fn dumps(&self) -> String {
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
        let mut vars: Vec<_> = self.vars.values().collect();
        vars.sort_by_key(|v| v.id);
        for var in &vars {
            let _ = write!(s, "{} = ", var.name());
            push_g(&mut s, self.solver.get_value(var.id));
            s.push('\n');
        }
        s.push('\n');
        section(&mut s, "Edit Variables");
        for var in vars.iter().filter(|v| self.edits.contains_key(&v.id)) {
            let _ = write!(s, "{} | strength = ", var.name());
            push_g(&mut s, self.edits[&var.id]);
            s.push('\n');
        }
        s.push('\n');
        section(&mut s, "Constraints");
        let mut constraints: Vec<_> = self.constraints.iter().collect();
        constraints.sort_by_key(|(_, (n, _))| *n);
        for (cn, (_, vars)) in constraints {
            s.push_str(&Constraint::describe(cn, vars));
            s.push('\n');
        }
        s
    }
}
