#!/usr/bin/env bash
# The README's test command: installs what the tests need when it is missing, then runs
# every test of the workspace (unit, fixture, and integration tests against the real kernel).
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v script >/dev/null || need+=(bsdutils)
[ -x /usr/bin/python3 ] || need+=(python3)
for u in unshare nsenter lsns setpriv taskset; do [ -x /usr/bin/$u ] || { need+=(util-linux); break; }; done
# tests/scale.rs counts rlsns's system calls; tests/hostile_stdio.rs makes pipes without reader
command -v strace >/dev/null || need+=(strace)
[ -x /usr/bin/perl ] || need+=(perl-base)
# tests/examples.rs runs the documentation's examples, which use jq, ps and ss (iproute2)
command -v jq >/dev/null || need+=(jq)
command -v ps >/dev/null || need+=(procps)
# tests/docs.rs renders the man pages and loads the completions in each shell
command -v groff >/dev/null || need+=(groff-base)
command -v mandoc >/dev/null || need+=(mandoc)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
# tests/l10n.rs: localedef and the locale sources (the tests generate the locales they run
# in, tests/common/locales.rs), the catalogs of util-linux and glibc, msgfmt
command -v localedef >/dev/null && [ -d /usr/share/i18n/locales ] || need+=(locales)
[ -e /usr/share/locale/de/LC_MESSAGES/libc.mo ] || need+=(libc-l10n)
[ -e /usr/share/locale/de/LC_MESSAGES/util-linux.mo ] || need+=(util-linux-locales)
command -v msgfmt >/dev/null || need+=(gettext)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "note: missing ${need[*]}; tests leave out what needs them (under CI=true they fail)" >&2
  fi
fi
cargo test --workspace --all-targets "$@"
