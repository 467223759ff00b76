//! Table output compatible with util-linux's libsmartcols: one column model drives the table,
//! list, raw, JSON and tree renderers, all writing into `impl Write`.
