//! rnsenter's manual prose (nsenter(1) of util-linux 2.42), kept apart from its option table so
//! the two can change independently; `cargo xtask gen` joins them into man/rnsenter.1.

use crate::cli::ToolDoc;

/// rnsenter's manual prose (see [`ToolDoc`]).
pub const DOC: ToolDoc = ToolDoc {
    name: "rnsenter",
    replaces: "nsenter",
    section: "1",
    description: &[
        "*rnsenter* enters the namespaces of another process (*--target*) or the namespaces held \
         by files, and runs _program_ there; without a _program_ it runs a login shell: $SHELL, \
         else the user's shell from the password database, else /bin/sh. It is a drop-in \
         replacement for util-linux *nsenter*(1): same options, same messages, same exit status.",
        "A namespace option without a _file_ takes that namespace from the target process \
         (/proc/_pid_/ns/_type_); with a _file_ (*--net=/run/netns/blue*, *-n/run/netns/blue*) \
         it enters the namespace the file refers to; with a colon and a number \
         (*--net=:*_nsid_, *-n:*_nsid_) it enters the namespace whose ID that is (see \
         *Namespaces by ID*). The argument of a short option must be attached to it; a file \
         whose name starts with a colon is given as ./:_name_.",
        "Options are read up to the first word that is not an option, so *rnsenter -t 1 -m ls -l* \
         passes *-l* to ls.",
        "Entering a PID namespace affects only the children of rnsenter, so by default it forks \
         and runs _program_ as its child (see *--no-fork*). Entering a user namespace sets the \
         uid and gid to 0 in it unless *--preserve-credentials*, *--setuid* or *--setgid* says \
         otherwise.",
    ],
    option_details: &[
        ("mount", "With _file_, the mount namespace that file refers to (/proc/_pid_/ns/mnt or a bind mount of it); with :_nsid_, the one whose ID is _nsid_; without, the target's."),
        ("uts", "With _file_, the UTS namespace that file refers to; with :_nsid_, the one whose ID is _nsid_; without, the target's."),
        ("ipc", "With _file_, the IPC namespace that file refers to; with :_nsid_, the one whose ID is _nsid_; without, the target's."),
        ("net", "With _file_, the network namespace that file refers to (/run/netns/_name_ for ip-netns(8)); with :_nsid_, the one whose ID is _nsid_ (*rlsns -o NS,TYPE,ID* shows IDs); without, the target's."),
        ("cgroup", "With _file_, the cgroup namespace that file refers to; with :_nsid_, the one whose ID is _nsid_; without, the target's."),
        ("user", "With _file_, the user namespace that file refers to; with :_nsid_, the one whose ID is _nsid_; without, the target's. The uid and gid become 0 in it unless *--preserve-credentials*, *--setuid* or *--setgid* say otherwise."),
        ("time", "With _file_, the time namespace that file refers to; with :_nsid_, the one whose ID is _nsid_; without, the target's."),
        ("all", "Every namespace kind of the target, except its user namespace when it is already yours. Options given with a _file_ still take precedence."),
        ("target", "The process whose namespaces, root and working directory are used. _pid_:_inode_ also checks, through a pidfd, that the process is the one expected. _runtime_:_id_ (an rns extra, see *Containers*) names a container instead: *docker:3f2a*, *podman:*_id_, *containerd:*_id_, *crio:*_id_, *k8s:*_id_, *lxc:*_name_, *nspawn:*_name_."),
        ("net-socket", "_fd_ is a descriptor of the target process; the socket is fetched with pidfd_getfd(2) and its namespace asked with SIOCGSKNS."),
        ("pid", "With _file_, the PID namespace that file refers to; with :_nsid_, the one whose ID is _nsid_; without, the target's. Only children are created in a PID namespace, so rnsenter forks and runs _program_ as its child (unless *--no-fork*)."),
        ("user-parent", "The parent of the user namespace that would be entered otherwise (found with ioctl_ns(2)); works with or without *--user*."),
        ("setuid", "The uid to set in the entered namespaces, or *follow* for the owner of /proc/_pid_ of the target."),
        ("setgid", "The gid to set (supplementary groups are dropped), or *follow* for the group of /proc/_pid_ of the target."),
        ("preserve-credentials", "Keep the current uid, gid and groups when entering a user namespace."),
        ("keep-caps", "Keep the capabilities granted in the entered user namespace across exec (as ambient capabilities)."),
        ("root", "The root directory: _dir_, or the target's root (/proc/_pid_/root)."),
        ("wd", "The working directory: _dir_, or the target's (/proc/_pid_/cwd); resolved before entering."),
        ("wdns", "The working directory, resolved after entering the namespaces and changing root. Cannot be combined with *--wd*."),
        ("env", "Replace the environment with the target's (/proc/_pid_/environ), byte for byte: *LD_PRELOAD* and *PATH* included (see *Security*)."),
        ("no-fork", "Even when entering a PID namespace: then only the children of _program_ are in it."),
        ("join-cgroup", "Move into the target's cgroup first (cgroup v2 only)."),
    ],
    columns: &[],
    exit_status: &[
        "*rnsenter* exits with the status of _program_ (or of the shell); when it forked and the \
         child died of a signal, it kills itself with the same signal. It exits *1* when it \
         fails itself (a bad option, no target, a namespace it may not enter), *126* when \
         _program_ cannot be executed and *127* when it is not found.",
    ],
    notes: &[
        (
            "Persistent namespaces",
            "A namespace bind-mounted on a file (by *runshare --net=*_file_, or *ip netns add*, \
             which uses /run/netns/_name_) can be entered without any process in it: \
             *rnsenter --net=/run/netns/*_name_.",
        ),
        (
            "Namespaces by ID",
            "Since Linux 6.18 every namespace has a 64-bit ID, which the kernel never gives to \
             another namespace while the system runs (an inode number, which *--net=/proc/*_pid_\
             */ns/net* names, can be reused once its namespace is gone). *rlsns -o NS,TYPE,ID* \
             shows IDs (see \"Three numbers\" in *rlsns*(8)). *--net=:*_nsid_ (any namespace \
             option) opens the namespace with open_by_handle_at(2) on a file handle that holds \
             _nsid_ alone, as util-linux *nsenter* 2.42 does; an _nsid_ that is not a decimal \
             number is \"failed to parse nsid: _nsid_\", and a namespace that cannot be opened \
             is \"cannot open namespace of id _nsid_\" with the reason (exit status 1). Linux \
             6.19 opens such a handle. Linux 6.18 refuses it (\"Stale file handle\"), and there \
             rnsenter does more than util-linux: it looks for the namespace with that ID among \
             those it can see, where *rlsns* finds namespaces (the nsfs bind mounts of its mount \
             table, the /proc/_pid_/ns links of every process, the namespace files and sockets \
             processes hold open), and enters it. Each is asked its ID without being opened; the \
             one found is opened as a file and checked to be that namespace (its inode and \
             NS_GET_ID), since 6.18 does not open even a complete handle of someone else's \
             namespace for a caller in a PID namespace of its own (a container). Only when none \
             of them has the ID, or it may not read them (another user's processes), does it \
             fail as util-linux does, with \"Stale file handle\". A namespace it finds but may \
             not enter fails when it is entered (reassociate to namespace 'ns/net' failed: \
             Operation not permitted) rather than when it is opened, and, as with 6.19, an ID of \
             a namespace of another kind is opened and then refused (reassociate to namespace \
             'ns/uts' failed: Invalid argument). rnsenter searches only where the kernel shows \
             it refuses an ID alone, so from 6.19 on it does exactly what util-linux does.",
        ),
        (
            "Credentials and id maps",
            "Entering a user namespace requires CAP_SYS_ADMIN in it. The uid and gid become 0 \
             there, so they must be mapped; *--preserve-credentials* keeps yours, which then show \
             as the overflow id if they are not mapped.",
        ),
        (
            "Containers",
            "*--target* _runtime_:_id_ (not in util-linux) enters a container without asking its \
             runtime: rnsenter reads /proc/_pid_/cgroup of every process, keeps those whose cgroup path names \
             a container of that _runtime_ whose id (or name) starts with _id_, and uses the \
             container's init: the oldest of its processes whose parent is outside it. A name \
             equal to _id_ wins over longer ones. Runtimes: *docker* (/docker/_id_, \
             docker-_id_.scope), *containerd* (cri-containerd-_id_.scope), *crio* \
             (crio-_id_.scope), *podman* (libpod-_id_.scope), *lxc* (lxc.payload._name_, \
             /lxc/_name_), *nspawn* (machine-_name_.scope, systemd-nspawn@_name_.service) and \
             *k8s* (any container of a Kubernetes pod). Monitors (conmon, the lxc monitor, the \
             nspawn supervisor) are not in their container. When no container or several match, \
             rnsenter says so (no container matches 'docker:3f2a'; 'docker:3f' matches several \
             containers: ...) and exits 1. A _pid_, with or without :_inode_, keeps util-linux's \
             meaning, and so does a word before the colon that is not a runtime.",
        ),
        (
            "Security",
            "rnsenter usually runs as root and enters processes that are not trusted. With \
             *--env* the program gets the target's environment byte for byte, *LD_PRELOAD*, \
             *LD_LIBRARY_PATH* and *PATH* included: the dynamic loader of a program run as root \
             then loads the libraries the target names. In the target's mount namespace \
             (*--mount*, *--all*) or root (*--root*) _program_ is looked up in the target's file \
             system, so it runs the target's own binaries. Both are by design, in *nsenter*(1) as \
             here: leave out *--env* when the target's environment is not to be trusted. What \
             the target names in messages (its cgroup names in those of *Containers*, the shell \
             its $SHELL names) is escaped, as in a table cell (\\x1b for an escape \
             character), never printed raw to the terminal.",
        ),
        (
            "Signals",
            "When rnsenter forks (for a PID namespace), it waits for the child: it exits with the \
             child's status, dies of the signal that killed the child, and stops when the child \
             stops.",
        ),
    ],
    examples: &[
        ("rnsenter -t PID -a", "A shell in every namespace of process PID."),
        ("rnsenter -t PID -n ip address", "The network addresses seen by process PID."),
        ("rnsenter --net=:$(rlsns -n -o ID -t net -p PID) ip link", "The network interfaces of the network namespace of process PID, named by its ID."),
        ("rnsenter --net=/run/netns/blue ss -tln", "Listening TCP sockets of the network namespace named blue by ip-netns(8)."),
        ("rnsenter -t PID -m -u -i -n -p -r -w ps -ef", "Processes as a container whose init is PID sees them, from its root and working directory."),
        ("rnsenter -t PID -U --preserve-credentials id", "Your ids as seen in the user namespace of PID."),
        ("rnsenter -t docker:3f2a -a ps -ef", "The processes of the docker container whose id starts with 3f2a, seen from inside it."),
    ],
    differences: &[
        "Messages and *--version* use the name the program was called by: installed as *nsenter* \
         (for instance with *cargo xtask install --as-util-linux*), it answers exactly as \
         util-linux *nsenter* 2.42 does; called *rnsenter*, messages start with \"rnsenter:\". \
         *--version* prints util-linux's line first, as scripts parse it \
         (\"rnsenter from util-linux 2.42.3\", with the name called by), then \"rns\" and its own \
         version on a second line.",
        "*--follow-context* (*-Z*, SELinux) is not supported, as in util-linux built without SELinux.",
        "*--target* also takes _runtime_:_id_ (see *Containers*); util-linux would reject such a \
         target as an invalid PID argument. Called *rnsenter*, *--help* shows that form after \
         util-linux's text and names this page; called *nsenter* (or any name but *rnsenter*), \
         it prints util-linux's text byte for byte.",
        "On Linux 6.18, *--net=:*_nsid_ (any namespace option) enters the namespace with that ID \
         when rnsenter can see it, where util-linux fails with \"Stale file handle\" (see \
         *Namespaces by ID*).",
    ],
    see_also: &["runshare(1)", "rlsns(8)", "nsenter(1)", "setns(2)", "clone(2)", "namespaces(7)", "pidfd_open(2)", "ip-netns(8)"],
};
