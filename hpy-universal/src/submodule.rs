//! The Python submodules of `hpy_rs_universal` (`_debug` and `debug` for
//! debug mode, `_trace` for trace mode): each is a module object registered
//! in `sys.modules`, filled with the functions and types `hpy_module!` put
//! on `hpy_rs_universal` itself, moved over by name.
//!
//! A leaf shared by the debug and trace modes, so that neither mode's
//! Python side imports the other's.

use hpy::{Context, HPyResult, Handle, IntoHPy};

/// A new module object named `name`, registered in `sys.modules`.
pub(crate) fn new_submodule<'ctx>(
    ctx: Context<'ctx>,
    name: &str,
    doc: &str,
) -> HPyResult<Handle<'ctx>> {
    let module_type = ctx.import_module("types")?.get_attr_s("ModuleType")?;
    let module = module_type.call(&[&name.into_hpy(ctx)?, &doc.into_hpy(ctx)?])?;
    ctx.import_module("sys")?
        .get_attr_s("modules")?
        .set_item_s(name, &module)?;
    Ok(module)
}

/// Moves attribute `name` of `from` to `to`.
pub(crate) fn move_attr<'ctx>(from: &Handle<'ctx>, to: &Handle<'ctx>, name: &str) -> HPyResult<()> {
    to.set_attr_s(name, &from.get_attr_s(name)?)?;
    from.del_attr_s(name)
}
