//! `cargo xtask install`: a release build of the three tools, installed with their man pages and
//! completions in the places man(1), bash-completion, zsh and fish look under a prefix.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where each generated file goes under the prefix, and the name it gets there.
fn destination(generated: &Path) -> Option<PathBuf> {
    let dir = generated.parent()?.to_str()?;
    let file = generated.file_name()?.to_str()?;
    Some(match dir {
        "man" => {
            let section = file.rsplit_once('.')?.1;
            PathBuf::from(format!("share/man/man{section}/{file}"))
        }
        "completions" if file.starts_with('_') => PathBuf::from(format!("share/zsh/site-functions/{file}")),
        "completions" if file.ends_with(".fish") => PathBuf::from(format!("share/fish/vendor_completions.d/{file}")),
        // bash-completion loads completions/NAME when NAME is first completed
        "completions" => PathBuf::from(format!("share/bash-completion/completions/{}", file.strip_suffix(".bash")?)),
        _ => return None,
    })
}

pub fn install(root: &Path, prefix: &Path, as_util_linux: bool) -> anyhow::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(root)
        .args(["build", "--release", "--locked", "--package", "rns", "--bins"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    place(&target.join("release"), prefix, as_util_linux)
}

/// Installs the binaries built in `release` and the generated files under `prefix`.
fn place(release: &Path, prefix: &Path, as_util_linux: bool) -> anyhow::Result<()> {
    let bin = prefix.join("bin");
    std::fs::create_dir_all(&bin).with_context(|| format!("creating {}", bin.display()))?;
    // Every tool with a manual (the three binaries of the root package), whether or not its
    // option table is in nscore::cli::commands() yet.
    let tools = docgen::tool_docs();
    for doc in tools {
        let name = doc.name;
        let from = release.join(name);
        let to = bin.join(name);
        // A running binary cannot be overwritten in place (ETXTBSY): replace the file instead.
        let _ = std::fs::remove_file(&to);
        std::fs::copy(&from, &to).with_context(|| format!("installing {} to {}", from.display(), to.display()))?;
        println!("installed {}", to.display());
    }
    for file in docgen::generate() {
        let Some(rel) = destination(&file.path) else { continue };
        let to = prefix.join(rel);
        std::fs::create_dir_all(to.parent().expect("a file in a directory"))?;
        std::fs::write(&to, &file.contents).with_context(|| format!("writing {}", to.display()))?;
        println!("installed {}", to.display());
    }
    if as_util_linux {
        for doc in tools {
            let (name, section) = (doc.name, doc.section);
            link(&bin.join(doc.replaces), Path::new(name))?;
            let mandir = prefix.join(format!("share/man/man{section}"));
            if mandir.join(format!("{name}.{section}")).exists() {
                link(&mandir.join(format!("{}.{section}", doc.replaces)), Path::new(&format!("{name}.{section}")))?;
            }
            if prefix.join(format!("share/bash-completion/completions/{name}")).exists() {
                for (path, text) in util_linux_completions(name, doc.replaces) {
                    let to = prefix.join(path);
                    std::fs::write(&to, text).with_context(|| format!("writing {}", to.display()))?;
                    println!("installed {}", to.display());
                }
            }
        }
    }
    Ok(())
}

/// `cargo xtask uninstall`: removes what `install` put under `prefix`, and nothing else: the
/// util-linux names (`lsns`, its page, its completions) only where they are the links and
/// files `--as-util-linux` made, so the system's own tools come back and are never removed.
pub fn uninstall(prefix: &Path) -> anyhow::Result<()> {
    let remove = |path: &Path| -> anyhow::Result<()> {
        match std::fs::remove_file(path) {
            Ok(()) => {
                println!("removed {}", path.display());
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("removing {}", path.display())),
        }
    };
    let links_to = |link: &Path, target: &str| std::fs::read_link(link).is_ok_and(|t| t == Path::new(target));
    for doc in docgen::tool_docs() {
        let (name, section) = (doc.name, doc.section);
        if links_to(&prefix.join("bin").join(doc.replaces), name) {
            remove(&prefix.join("bin").join(doc.replaces))?;
        }
        let page = prefix.join(format!("share/man/man{section}/{}.{section}", doc.replaces));
        if links_to(&page, &format!("{name}.{section}")) {
            remove(&page)?;
        }
        for (path, text) in util_linux_completions(name, doc.replaces) {
            let path = prefix.join(path);
            if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
                remove(&path)?;
            }
        }
        remove(&prefix.join("bin").join(name))?;
    }
    for file in docgen::generate() {
        if let Some(rel) = destination(&file.path) {
            remove(&prefix.join(rel))?;
        }
    }
    Ok(())
}

/// Completions for the util-linux name (`lsns`) that use the rns tool's (`rlsns`): they take
/// precedence over util-linux's own, which the distribution installs under /usr/share.
fn util_linux_completions(name: &str, util: &str) -> [(String, String); 3] {
    let function = format!("_{}", name.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    [
        (
            format!("share/bash-completion/completions/{util}"),
            format!("# {util} is {name} (cargo xtask install --as-util-linux)\n. \"${{BASH_SOURCE[0]%/*}}/{name}\" && complete -o bashdefault -o default -F {function} {util}\n"),
        ),
        (
            format!("share/zsh/site-functions/_{util}"),
            format!("#compdef {util}\n# {util} is {name} (cargo xtask install --as-util-linux)\n{function} \"$@\"\n"),
        ),
        (
            format!("share/fish/vendor_completions.d/{util}.fish"),
            format!("# {util} is {name} (cargo xtask install --as-util-linux)\ncomplete -c {util} -w {name}\n"),
        ),
    ]
}

/// `ln -sf target link`.
fn link(link: &Path, target: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(link) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("replacing {}", link.display())),
    }
    std::os::unix::fs::symlink(target, link).with_context(|| format!("linking {}", link.display()))?;
    println!("linked {} -> {}", link.display(), target.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of the prefix, relative, sorted (links as `path -> target`).
    fn files(prefix: &Path) -> Vec<String> {
        let mut found = Vec::new();
        let mut dirs = vec![prefix.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let rel = path.strip_prefix(prefix).unwrap().display().to_string();
                match std::fs::read_link(&path) {
                    Ok(target) => found.push(format!("{rel} -> {}", target.display())),
                    Err(_) if path.is_dir() => dirs.push(path),
                    Err(_) => found.push(rel),
                }
            }
        }
        found.sort();
        found
    }

    /// uninstall takes back exactly what install put there, `--as-util-linux` links included,
    /// and leaves a util-linux tool of the prefix that is no link of ours alone.
    #[test]
    fn uninstall_removes_what_install_placed() {
        let base = std::env::temp_dir().join(format!("rns-xtask-install-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (release, prefix) = (base.join("release"), base.join("prefix"));
        std::fs::create_dir_all(&release).unwrap();
        for doc in docgen::tool_docs() {
            std::fs::write(release.join(doc.name), "binary").unwrap();
        }
        std::fs::create_dir_all(prefix.join("bin")).unwrap();
        std::fs::write(prefix.join("bin/other"), "someone else's").unwrap();
        place(&release, &prefix, true).unwrap();
        assert!(files(&prefix).contains(&"bin/lsns -> rlsns".to_string()), "{:?}", files(&prefix));
        uninstall(&prefix).unwrap();
        assert_eq!(files(&prefix), ["bin/other"]);
        // A real lsns in the prefix (no link of ours) stays.
        place(&release, &prefix, false).unwrap();
        std::fs::write(prefix.join("bin/lsns"), "util-linux").unwrap();
        uninstall(&prefix).unwrap();
        assert_eq!(files(&prefix), ["bin/lsns", "bin/other"]);
        let _ = std::fs::remove_dir_all(&base);
    }
}
