//! The id ranges one `--map-users`/`--map-groups` argument names, and those of
//! `--map-auto`/`--map-subids`: the euid's line of /etc/subuid or /etc/subgid, our own
//! uid_map or gid_map, or the numbers given.

use super::id_source::IdSource;
use crate::error::{Error, MsgArg, Result};
use crate::unshare::idmap::{self, MapRange};

/// `auto`/`subids` ranges from /etc/subuid or /etc/subgid for the euid's user.
pub(crate) fn subid(ids: &dyn IdSource, path: &str, identity: bool) -> Result<MapRange> {
    let euid = ids.euid();
    let Some(user) = ids.user_name(euid) else {
        return Err(Error::tr("you (user %d) don't exist.", vec![MsgArg::Int((euid as i32).into())]));
    };
    let text = ids.read(path).map_err(|e| Error::tr_io("could not open '%s'", vec![MsgArg::str(path)], &e))?;
    idmap::subid_range(&text, path, &user, euid, identity)
}

/// The ranges one `--map-users`/`--map-groups` argument adds.
pub(crate) fn ranges_of(ids: &dyn IdSource, arg: &str, subid_file: &str, kernel_map: &str) -> Result<Vec<MapRange>> {
    match arg {
        "auto" => Ok(vec![subid(ids, subid_file, false)?]),
        "subids" => Ok(vec![subid(ids, subid_file, true)?]),
        "all" => {
            let text = ids
                .read(kernel_map)
                .map_err(|e| Error::tr_io("could not open '%s'", vec![MsgArg::str(kernel_map)], &e))?;
            Ok(idmap::kernel_map_ranges(&text))
        }
        _ => Ok(vec![idmap::parse_range(arg)?]),
    }
}
