//! runshare's manual prose (unshare(1) of util-linux 2.42), kept apart from its option table so
//! the two can change independently; `cargo xtask gen` joins them into man/runshare.1.

use crate::cli::ToolDoc;

/// runshare's manual prose (see [`ToolDoc`]).
pub const DOC: ToolDoc = ToolDoc {
    name: "runshare",
    replaces: "unshare",
    section: "1",
    description: &[
        "*runshare* creates new namespaces (as chosen by the options below) and runs _program_ \
         in them; without a _program_ it runs a login shell: $SHELL, else the user's shell from \
         the password database, else /bin/sh. It is a drop-in replacement for util-linux \
         *unshare*(1): same options, same messages, same exit status.",
        "The namespace options take a _file_ only in their long form (*--net=*_file_); the file \
         must exist, and the new namespace is bind-mounted on it so that it outlives the \
         process (see *Persistent namespaces* below). The short forms (*-n*) never take an \
         argument.",
        "Options are read up to the first word that is not an option, so *runshare -U ls -l* \
         passes *-l* to ls.",
        "The kinds of namespace: *mount* (mount points), *uts* (host and domain name), *ipc* \
         (System V IPC and POSIX message queues), *net* (network devices, addresses, routes, \
         ports), *pid* (process ids; the first process forked in it is its init), *user* (user \
         and group ids and capabilities), *cgroup* (the cgroup root seen by the process), \
         *time* (offsets of the monotonic and boot-time clocks).",
    ],
    option_details: &[
        ("uts", "With _file_, the namespace is bind-mounted on it (see *Persistent namespaces*)."),
        ("ipc", "With _file_, the namespace is bind-mounted on it."),
        ("net", "The new namespace has only a loopback device, down. With _file_, the namespace is bind-mounted on it."),
        ("cgroup", "With _file_, the namespace is bind-mounted on it."),
        ("mount-binfmt", "Without _dir_ it mounts on /proc/sys/fs/binfmt_misc, and mounts /proc too (as *--mount-proc*)."),
        ("load-interp", "The argument is a binfmt_misc registration line (:_name_:_type_:_offset_:_magic_:_mask_:_interpreter_:_flags_), written to the register file of the binfmt_misc mounted in the namespace."),
        ("map-subids", "Same as *--map-users=subids --map-groups=subids*: your subordinate ids, mapped to themselves."),
        ("root", "chroot(2) to _dir_ just before running _program_; the working directory then defaults to /."),
        ("wd", "chdir(2) to _dir_, after *--root*."),
        ("mount", "Its mount propagation is set by *--propagation* (private by default). With _file_, the namespace is bind-mounted on it; the file must not be on a shared mount."),
        ("pid", "Only the children of runshare are in it: use *--fork* so that _program_ is (as its PID 1), and usually *--mount-proc* so that ps(1) sees it. With _file_, the namespace is bind-mounted on it (needs *--fork*)."),
        ("user", "Combine with *--map-root-user* or another map option to have ids in it. With _file_, the namespace is bind-mounted on it."),
        ("time", "Only the children of runshare are in it; set its clocks with *--monotonic* and *--boottime*. With _file_, the namespace is bind-mounted on it."),
        ("fork", "Run _program_ as a child of runshare, which waits for it and exits with its status (or dies of its signal)."),
        ("kill-child", "The child gets _signame_ (SIGKILL by default) when runshare dies. Signal names only, with or without SIG."),
        ("forward-signals", "runshare passes SIGTERM and SIGINT on to the child instead of dying of them."),
        ("mount-proc", "Mount a fresh proc filesystem on _dir_ (/proc by default) just before running _program_; needed after *--pid --fork* for ps(1) to show the new namespace."),
        ("propagation", "Propagation applied recursively to / in the new mount namespace: *slave*, *shared*, *private* (the default) or *unchanged*."),
        ("setuid", "A numeric uid, set just before _program_ runs."),
        ("setgid", "A numeric gid, set (with the supplementary groups cleared) just before _program_ runs."),
        ("map-user", "A uid or a user name; the current effective uid is mapped to it in the new user namespace."),
        ("map-group", "A gid or a group name; the current effective gid is mapped to it. Implies *--setgroups=deny*."),
        ("map-root-user", "Same as *--map-user=0 --map-group=0*: root in the namespace, yourself outside."),
        ("map-current-user", "Same as *--map-user=*$(id -u) *--map-group=*$(id -g)."),
        ("map-auto", "Same as *--map-users=auto --map-groups=auto*: the first range of /etc/subuid and /etc/subgid that belongs to you."),
        ("map-users", "_inner_:_outer_:_count_ maps count uids starting at outer to ids starting at inner; *auto* and *subids* take your range from /etc/subuid, *all* passes every mapped uid through. May be repeated. Unprivileged users need newuidmap(1)."),
        ("map-groups", "As *--map-users*, for gids (/etc/subgid, newgidmap(1))."),
        ("owner", "Switch to _uid_:_gid_ before creating the user namespace, so that it is owned by them."),
        ("setgroups", "Write *allow* or *deny* to /proc/self/setgroups in the new user namespace."),
        ("keep-caps", "Keep the capabilities granted in the new user namespace across exec (as ambient capabilities)."),
        ("monotonic", "Offset in seconds (may be negative) of CLOCK_MONOTONIC in the new time namespace; needs *--time*."),
        ("boottime", "Offset in seconds of CLOCK_BOOTTIME in the new time namespace; needs *--time*."),
        ("clear-env", "Start _program_ with an empty environment (the last step before it runs, after every other option took effect). Without _program_, the login shell is then taken from the password database, as $SHELL is gone. Not in util-linux 2.42 (it is in util-linux's development branch)."),
        ("whitelist-env", "Start _program_ with only the variables named in the comma-separated _list_, with the values they had when runshare started; names that are not set are skipped, and if none is set the environment is empty. May be repeated; combined with *--clear-env* the listed variables are still kept. Not in util-linux 2.42 (it is in util-linux's development branch)."),
    ],
    columns: &[],
    exit_status: &[
        "*runshare* exits with the status of _program_ (or of the shell). With *--fork*, if the \
         child dies of a signal, runshare kills itself with the same signal. It exits *1* when \
         it fails itself (a bad option, a namespace it may not create, a map it cannot write), \
         *126* when _program_ cannot be executed and *127* when it is not found.",
    ],
    notes: &[
        (
            "Persistent namespaces",
            "With a _file_, the namespace is bind-mounted on it (from /proc/_pid_/ns/_type_, or \
             pid_for_children and time_for_children for the PID and time namespaces) and stays \
             alive after every process in it has gone: *rnsenter --net=*_file_ enters it, \
             *rlsns -P* lists it, *umount* _file_ releases it. A mount namespace can only be \
             bound on a file whose mount is not shared.",
        ),
        (
            "User and group id maps",
            "A new user namespace starts with no ids mapped: processes in it are nobody. \
             *--map-root-user*, *--map-current-user*, *--map-user* and *--map-group* map one id, \
             written by runshare itself; *--map-users*, *--map-groups*, *--map-auto* and \
             *--map-subids* map ranges, written by a helper process (directly as root, otherwise \
             with newuidmap(1) and newgidmap(1)). When a single id falls inside a range, it is cut \
             out of the range.",
        ),
        (
            "Signals",
            "Without *--fork*, runshare becomes _program_ and signals go straight to it. With \
             *--fork*, runshare waits for the child: *--kill-child* makes the child die with \
             runshare, *--forward-signals* passes SIGTERM and SIGINT on, and a child killed by \
             a signal makes runshare die of the same signal.",
        ),
    ],
    examples: &[
        ("runshare -r -n sh", "A shell that is root in a new user namespace, with a network namespace holding only a down loopback device."),
        ("runshare --fork --pid --mount-proc ps -ef", "ps in a new PID namespace sees itself as PID 1 (run as root, or add *-r*)."),
        ("touch /root/uts-ns\nrunshare --uts=/root/uts-ns hostname demo\nrnsenter --uts=/root/uts-ns hostname\numount /root/uts-ns", "A persistent UTS namespace: its host name outlives the process that set it."),
        ("runshare -r --map-users=auto --map-groups=auto id", "A user namespace with your subordinate id ranges mapped."),
        ("runshare -T --boottime 86400 --fork cat /proc/uptime", "A time namespace whose boot-time clock is a day ahead: /proc/uptime, which counts from it, shows a day more."),
        ("runshare -r -n --whitelist-env=PATH,TERM,HOME sh", "A shell in a network namespace that inherits only PATH, TERM and HOME."),
    ],
    differences: &[
        "*--clear-env* and *--whitelist-env* come from util-linux's development branch and are \
         not in 2.42; called *runshare*, *--help* lists them after 2.42's text and names this \
         page, called *unshare* (or any name but *runshare*) it prints 2.42's text byte for \
         byte. An abbreviation \
         util-linux 2.42 accepts (*--c* for *--cgroup*, *--w* for *--wd*) keeps its meaning. \
         Unlike the development branch, a *--whitelist-env* whose variables are all unset \
         still empties the environment.",
        "Messages and *--version* use the name the program was called by: installed as *unshare* \
         (for instance with *cargo xtask install --as-util-linux*), it answers exactly as \
         util-linux *unshare* 2.42 does; called *runshare*, messages start with \"runshare:\". \
         *--version* prints util-linux's line first, as scripts parse it \
         (\"runshare from util-linux 2.42.3\", with the name called by), then \"rns\" and its own \
         version on a second line.",
    ],
    see_also: &["rnsenter(1)", "rlsns(8)", "unshare(1)", "unshare(2)", "clone(2)", "namespaces(7)", "user_namespaces(7)", "newuidmap(1)", "newgidmap(1)", "subuid(5)"],
};
