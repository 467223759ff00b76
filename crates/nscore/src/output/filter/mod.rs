//! The `-Q` filter language of libsmartcols (scols-filter(5)).
