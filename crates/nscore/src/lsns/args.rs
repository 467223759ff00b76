//! rlsns's options (lsns(8) of util-linux 2.42): the table, the util-linux help text, and the
//! parse loop that applies options in getopt order as lsns does.

use super::columns;
use crate::byte_text::{carried_bytes, carry_bytes};
use crate::cli::getopt::{strip_leading_eq, Getopt, HasArg, Item, Ordering};
use crate::cli::usage::{self, Chunk};
use crate::cli::{OptDef, ToolDoc, ValueHint};
use crate::error::{Error, MsgArg, Result};
use crate::nstype::{NsKind, KINDS};
pub(crate) use crate::number::parse_pid;
use crate::output::{Format, Mode};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    Json,
    List,
    Noheadings,
    Output,
    OutputAll,
    Persistent,
    Task,
    Filter,
    Raw,
    Notruncate,
    Nowrap,
    Type,
    Tree,
    ListColumns,
    Help,
    Version,
    Threads,
    Compare,
    AllMounts,
}

/// The `-t` names, in the kind table's order (the order of lsns's help text).
const TYPE_NAMES: [&str; KINDS.len()] = {
    let mut names = [""; KINDS.len()];
    let mut i = 0;
    while i < KINDS.len() {
        names[i] = KINDS[i].name;
        i += 1;
    }
    names
};
const TREE_NAMES: &[&str] = &["owner", "parent", "process"];

/// In util-linux's `long_opts` order, which getopt's "ambiguous" message follows.
pub const OPTIONS: &[OptDef<Opt>] = &[
    OptDef::flag(Opt::Json, Some('J'), "json", " -J, --json             use JSON output format\n"),
    OptDef::arg(
        Opt::Task,
        Some('p'),
        "task",
        HasArg::Required,
        "pid",
        " -p, --task <pid>       print process namespaces\n",
        ValueHint::Pid,
    ),
    OptDef::flag(Opt::Help, Some('h'), "help", usage::HELP),
    OptDef::arg(
        Opt::Output,
        Some('o'),
        "output",
        HasArg::Required,
        "list",
        " -o, --output <list>    define which output columns to use\n",
        ValueHint::WordList(&columns::WORDS),
    ),
    OptDef::flag(Opt::OutputAll, None, "output-all", "     --output-all       output all columns\n"),
    OptDef::flag(Opt::Persistent, Some('P'), "persistent", " -P, --persistent       namespaces without processes\n"),
    OptDef::arg(
        Opt::Filter,
        Some('Q'),
        "filter",
        HasArg::Required,
        "expr",
        " -Q, --filter <expr>    apply display filter\n",
        ValueHint::None,
    ),
    OptDef::flag(Opt::Notruncate, Some('u'), "notruncate", " -u, --notruncate       don't truncate text in columns\n"),
    OptDef::flag(Opt::Version, Some('V'), "version", usage::VERSION),
    OptDef::flag(Opt::Noheadings, Some('n'), "noheadings", " -n, --noheadings       don't print headings\n"),
    OptDef::flag(Opt::Nowrap, Some('W'), "nowrap", " -W, --nowrap           don't use multi-line representation\n"),
    OptDef::flag(Opt::List, Some('l'), "list", " -l, --list             use list format output\n"),
    OptDef::flag(Opt::Raw, Some('r'), "raw", " -r, --raw              use the raw output format\n"),
    OptDef::arg(
        Opt::Type,
        Some('t'),
        "type",
        HasArg::Required,
        "name",
        " -t, --type <name>      namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)\n",
        ValueHint::Words(&TYPE_NAMES),
    ),
    OptDef::arg(
        Opt::Tree,
        Some('T'),
        "tree",
        HasArg::Optional,
        "rel",
        " -T, --tree[=<rel>]     use tree format (parent, owner, or process)\n",
        ValueHint::Words(TREE_NAMES),
    ),
    OptDef::flag(Opt::ListColumns, Some('H'), "list-columns", usage::LIST_COLUMNS),
];

/// Options util-linux does not have: parsed after [`OPTIONS`] (an abbreviation util-linux
/// resolves keeps its meaning) and left out of [`USAGE`], which stays util-linux's text;
/// `--help` under the own name lists them after it ([`OWN_HELP`]).
pub(crate) const EXTENSIONS: &[OptDef<Opt>] = &[
    OptDef::flag(Opt::Threads, None, "threads", "also scan threads (/proc/PID/task/TID/ns)"),
    OptDef::flag(Opt::Compare, None, "compare", "compare two processes' namespaces: --compare PID PID"),
    OptDef::flag(Opt::AllMounts, None, "all-mounts", "find bind mounts in every mount namespace"),
];

/// `lsns --help`, with `%s` for the program name; the option lines are [`OPTIONS`]' help.
pub(crate) const USAGE: &[Chunk] = &[
    Chunk::Header,
    Chunk::Synopsis(" %s [options] [<namespace ID>]\n"),
    Chunk::Separator,
    Chunk::Text("List system namespaces.\n"),
    Chunk::Options,
    Chunk::option(OPTIONS, "json"),
    Chunk::option(OPTIONS, "list"),
    Chunk::option(OPTIONS, "noheadings"),
    Chunk::option(OPTIONS, "output"),
    Chunk::option(OPTIONS, "output-all"),
    Chunk::option(OPTIONS, "persistent"),
    Chunk::option(OPTIONS, "task"),
    Chunk::option(OPTIONS, "filter"),
    Chunk::option(OPTIONS, "raw"),
    Chunk::option(OPTIONS, "notruncate"),
    Chunk::option(OPTIONS, "nowrap"),
    Chunk::option(OPTIONS, "type"),
    Chunk::option(OPTIONS, "tree"),
    Chunk::Separator,
    Chunk::ListColumns(24),
    Chunk::HelpOptions(24),
    Chunk::ManTail("lsns(8)"),
];

/// What `rlsns --help` adds to util-linux's text (under util-linux's name, nothing).
pub(crate) const OWN_HELP: usage::OwnHelp<Opt> = usage::OwnHelp {
    extras: EXTENSIONS,
    note: "Columns: -H (--list-columns) lists util-linux's and rns's own, these marked\n\
           \"(rns extra)\"; rns's own are shown only where --output or --filter names them.\n",
    page: "rlsns(8)",
};

/// rlsns's manual prose (see [`ToolDoc`]).
pub const DOC: ToolDoc = ToolDoc {
    name: "rlsns",
    replaces: "lsns",
    section: "8",
    description: &[
        "*rlsns* lists the namespaces it can see, or, given a _namespace ID_ (an inode number), the \
         processes in that namespace. It is a drop-in replacement for util-linux *lsns*(8): same \
         options, same output, same messages and exit status.",
        "Namespaces are found through the processes in _/proc_ (each /proc/_pid_/ns/_type_ link, \
         and the namespace files and sockets a process holds open), through nsfs bind mounts in \
         the mount table (persistent namespaces, as made by *runshare --net=*_file_), and, for \
         the tree views, through the kernel's *ioctl_ns*(2) \
         queries for parent and owner namespaces. Each namespace line describes its \
         representative process: the lowest PID in it.",
        "The default output is a process tree: a namespace is drawn under the namespace of its \
         representative's parent. The default may change between releases, so scripts should \
         name the output mode (*--list* or *--tree*) and the columns (*--output*).",
        "The *NSFS* column (shown by default with *--type net*) may hold several mount points, \
         one per line; *--nowrap* joins them with commas. A newline or other control character \
         inside one mount point is shown escaped (\\x0a; \\n inside its JSON string), so \
         every line is one mount point.",
        "Run as an ordinary user, *rlsns* sees only the processes whose namespace links it may \
         read, so the list can be incomplete. A /proc mounted from another PID namespace shows \
         that namespace's processes.",
    ],
    option_details: &[
        ("list-columns", "Can be combined with *--json* or *--raw* to get the column list in a machine-readable form. Called *rlsns*, it lists every column *--output* and *--filter* accept: util-linux's thirteen, then rns's own, each of those with \"(rns extra)\" after its description (in every form, JSON included); called *lsns* (or any other name), util-linux's thirteen alone."),
        ("output", "Column names are case-insensitive. A _list_ that starts with *+* adds the columns to the default ones (*rlsns -o +PATH*)."),
        ("persistent", "Those are kept alive by a bind mount of their /proc/_pid_/ns/_type_ file (see *runshare*(1)) or by an open file descriptor."),
        ("task", "Only the namespaces that process _pid_ is in."),
        ("filter", "Only the lines for which _expr_ is true, in the libsmartcols filter language (*scols-filter*(5)); the expression may use columns that are not printed, e.g. 'USER != \"root\" and NPROCS > 1'."),
        ("raw", "Implies *--nowrap*."),
        ("type", "May be given more than once."),
        ("threads", "Not only each process's namespaces are read but every thread's: a thread that called unshare(2) or setns(2) and so is in a namespace of its own is listed, as a process whose PID is the thread id and whose PPID is its process. Without it (as in util-linux) such a namespace is missed. Not in util-linux."),
        ("compare", "The two processes are given as _pid_ operands (*rlsns --compare 1234 5678*); one line per kind (*--type* selects kinds) with columns TYPE, NS1, ID1, NS2, ID2 (the namespace of each process as _dev_:_inode_ of /proc/_pid_/ns/_type_, since an inode number is unique only on one nsfs device, each followed by the namespace's ID, empty on a kernel without NS_GET_ID; see *Three numbers*) and RESULT (*same*, *differs*, or *unknown* for a kind the kernel lacks; where both namespaces have an ID, the IDs decide, since an inode may pass to a new namespace between the two reads). *--json*, *--raw* and *--noheadings* apply. Exit status 0 when every line is *same*, 1 otherwise, 2 with a message when a process cannot be read: it does not exist, a link of it cannot be followed (another user's process), or it lacks a link that rlsns's own process has (a zombie). Not in util-linux."),
        ("all-mounts", "Bind mounts of namespace files are looked for in every mount namespace *rlsns* can reach, not only in its own: through a process in it (/proc/_pid_/mountinfo, its mount points opened below /proc/_pid_/root), or, for a mount namespace without processes that a bind mount or an open descriptor keeps, through a short-lived child process that enters it with setns(2) (*rlsns* itself never changes namespace). A namespace kept only by such a mount, like a network namespace a container runtime bound inside a container whose processes are gone, is listed as a persistent one (*--persistent* finds it); *NSFS* and *HOLDERS* show the mount as [mnt:_inode_]_path_: the mount namespace that holds it, then the mount point as seen in that namespace (mounts of rlsns's own mount namespace stay plain paths). A mount namespace that cannot be entered or read (not root, gone) is skipped silently. Not in util-linux."),
        ("tree", "*owner* (the default when _rel_ is omitted) nests namespaces under the user namespace that owns them; *parent* nests pid and user namespaces under their parents; *process* draws the process tree, as the default output does."),
    ],
    columns: columns::DOCS,
    exit_status: &[
        "*0* success; *1* failure (a bad option or argument, an unknown column, a namespace that \
         does not exist); *2* an ioctl_ns(2) request unknown to the kernel.",
    ],
    notes: &[
        (
            "Persistent namespaces",
            "A namespace with no process left lives on while a file descriptor, a socket or a bind \
             mount of its nsfs file holds it. *rlsns -P* lists them: NPROCS is 0, and NSFS shows \
             where a bind-mounted one is mounted. Unmount the file to release it.",
        ),
        (
            "Columns beyond util-linux",
            "The columns util-linux lacks (*CONTAINER* and *HOLDERS* here, *ID* under \
             *Three numbers*, and those of the next two sections) are never shown unless named \
             with *--output* (*rlsns -o +CONTAINER,HOLDERS*); *--output-all* shows \
             util-linux's thirteen; *rlsns --list-columns* lists them all. *CONTAINER*: the container of the PID, found from its \
             cgroups (/proc/_pid_/cgroup) as *rnsenter*(1) --target _runtime_:_id_ reads them: \
             _runtime_:_id_ with a hex id cut to 12 digits (docker:3f2a9c4b5d6e, also \
             containerd, crio, podman, and k8s for a pod's container) or a full name (lxc:web, \
             nspawn:debian); empty on the host. *HOLDERS*: what keeps the namespace alive, one \
             item per line (joined with commas by *--nowrap* and *--raw*, an array of strings \
             in JSON): pid:_pid_ for each member process (the five lowest, then pid:+_n_ for \
             the others), fd:_pid_:_fd_ for an open descriptor of its nsfs file, \
             socket:_pid_:_fd_ for a socket created in this network namespace and held by a \
             process outside it, the path of each bind mount, child:_inode_ for a child pid or \
             user namespace, owned:_inode_ for a namespace a user namespace owns. Only what \
             rlsns sees counts (its own mount namespace, or every reachable one with \
             *--all-mounts*; the kinds of *--type*).",
        ),
        (
            "What a namespace holds, read from /proc",
            "More columns, rns extras shown only when named with *--output* (never by \
             *--output-all*; listed by *rlsns --list-columns*), tell what a namespace holds, read from \
             /proc/_pid_ of a process in it without entering it; empty for rows of other kinds, \
             and empty (with no message) when the process is gone or the file cannot be read. \
             *UIDMAP*, *GIDMAP* (user): the id maps as the kernel prints them to the reader \
             (/proc/_pid_/uid_map, gid_map), _inside_ _outside_ _count_ per line (joined with \
             commas by *--nowrap* and *--raw*; in JSON an array of objects with the keys inside, \
             outside and count). *OFFSETS* (time): _clock_ _secs_ _nsecs_ per clock, from \
             /proc/_pid_/timens_offsets of a member whose children get this namespace (the file \
             describes the children's, /proc/_pid_/ns/time_for_children; JSON: objects with \
             clock, secs, nsecs). *MOUNTS* (mnt): \
             the number of mounts in /proc/_pid_/mountinfo; *ROOT* (mnt): _source_ _fstype_ of \
             the mount on / (the top one). *LEVEL* (pid, user): how deep the namespace nests below \
             the reader's own of that kind (0 for its own): for pid namespaces from the NSpid \
             line of /proc/_pid_/status, relative to the pid namespace of the /proc read; for \
             user namespaces by *ioctl_ns*(2) NS_GET_PARENT steps up to /proc/self/ns/user; empty \
             when the namespace is not below it. *INIT* (pid): the PID of the namespace's init \
             (its member whose last NSpid is 1). *SUMMARY*: what the namespace holds, on one \
             line, by one rule for every kind: items joined by a comma and a space, each item a \
             label and its value separated by one space, in ASCII words (the same in every \
             locale; bytes from the kernel are escaped as in other cells). user: \
             \"uids _first_-_last_ as _first_-_last_\" per UIDMAP range, the ids inside and \
             what they are outside (\"uid _id_ as _id_\" for one id), the first three, then \
             \"other ranges _n_\"; time: \"monotonic +86400s, boottime -1.5s\", the OFFSETS \
             as signed seconds; mnt: \"mounts _n_, root _source_ (_fstype_)\"; pid: \
             \"level _n_, init _pid_\"; cgroup: \"root _path_\", the cgroup v2 path of its \
             lowest PID as the reader sees it (usually the process that made it, so the \
             namespace's root); uts: \"hostname _name_\", then \"domain _name_\" when a NIS \
             domain is set; net: per interface its name, then its state and addresses \
             (\"lo UNKNOWN 127.0.0.1/8 ::1/128, eth0 UP 192.0.2.2/24\"); ipc: \"shm segments \
             _n_, semaphore sets _n_, message queues _n_\", then \"posix queues _n_\" when \
             they could be counted. Try *rlsns -o NS,TYPE,NPROCS,SUMMARY*.",
        ),
        (
            "What a namespace holds, asked from inside",
            "Three columns tell what only the namespace itself can answer; rlsns asks it from a \
             short-lived thread that joins it with *setns*(2) and ends afterwards, so rlsns \
             itself never changes namespace, and only when a column or *--filter* names them. \
             The thread opens the namespace through a process in it (/proc/_pid_/ns/_type_), \
             else a bind mount of it, else a descriptor a process holds open (or, with \
             *--all-mounts*, the bind mount in another mount namespace it was found by), and \
             opens nothing but that namespace file: a path a container controls is resolved \
             inside its root and never followed to a FIFO, a device or a host file. Empty for \
             other kinds, for a namespace none of these reaches, where the kernel refuses to \
             enter (without CAP_SYS_ADMIN), and for a namespace that does not answer within \
             five seconds (a filesystem of its that never answers), with no message; the \
             listing goes on. *HOSTNAME* (uts): the node name, and the NIS \
             domain name in parentheses when one is set (box (lab)). *IFACES* (net): each \
             interface, by index, with its state as *ip -br link* shows it (the operational \
             state: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, ...) and its addresses with their prefix \
             length, one interface per line (veth1 UP 192.168.77.2/24 fe80::4c3a:7bff:fe01:2/64; \
             joined with commas by *--nowrap* and *--raw*); in JSON an array of objects with the \
             keys name, state and addresses. *IPCOBJS* (ipc): how many System V shared memory \
             segments, semaphore sets and message queues exist in it (shm 1, sem 0, msg 2, from \
             /proc/sysvipc), then, where an mqueue filesystem of the namespace is mounted in \
             the mount table of a process in it, how many POSIX message queues it holds (shm 1, \
             sem 0, msg 2, mqueue 3); in JSON an object {\"shm\":1,\"sem\":0,\"msg\":2} with \
             \"mqueue\":3 added when the POSIX queues are counted. A mount is taken as the \
             namespace's own when one of its queues, opened read-only by name from inside the \
             namespace, lies on it; an empty mount cannot be told apart and is not counted.",
        ),
        (
            "Three numbers",
            "A namespace has up to three numbers, and they identify different things. *NS* is the \
             inode number of its nsfs file (what /proc/_pid_/ns/_type_ links to, net:[4026531840]): \
             *lsns* and *rlsns* _namespace_, *--filter*, PNS, ONS, NSFS mount roots and stat(1) \
             use it. It stays the same while the namespace lives, but once the namespace is gone \
             the kernel may give it to a new one. *NETNSID* (net only) is not the namespace's own \
             number but the one rlsns's network namespace assigned to it (RTM_GETNSID): another \
             network namespace may know it by another number or none (*unassigned*). ip(8) uses \
             it (*ip netns set* _name_ _netnsid_, link-netnsid in *ip link*); it is assigned on \
             demand and goes when either namespace goes. *ID* (an rns extra, shown only when \
             named: *rlsns -o NS,TYPE,ID*) is the 64-bit number the kernel gives every namespace \
             of any kind when it is made (NS_GET_ID, Linux 6.18) and never gives another one \
             while the system runs; it does not survive a reboot. *rnsenter*(1) and util-linux \
             *nsenter*(1) 2.42 take it (*--net=:*_ID_). ID is a number in JSON and can be used in \
             *--filter*; it is empty where the kernel has no NS_GET_ID, and is asked for only \
             when the column or the filter names it.",
        ),
        (
            "Ghost namespaces",
            "In the *--tree=owner* and *--tree=parent* views a parent or owner namespace that has \
             no visible process is still drawn, found through *ioctl_ns*(2) from its children.",
        ),
        (
            "JSON",
            "With *--json* empty cells are null, keys are lower-case column names, and numbers \
             are unquoted except NETNSID; IFACES is an array of objects and IPCOBJS an object. \
             The tree views nest lines in \"children\" arrays.",
        ),
    ],
    examples: &[
        ("rlsns", "All namespaces, drawn as a process tree."),
        ("rlsns -l -t net", "The network namespaces as a plain list, with NETNSID and NSFS."),
        ("rlsns --tree=owner", "Every namespace under the user namespace that owns it."),
        ("rlsns -p $$ -o NS,TYPE,PATH", "The namespaces of the current shell, with their /proc paths."),
        ("rlsns -J -l | jq '.namespaces[] | select(.type == \"user\")'", "User namespaces, picked from the JSON output."),
        ("rlsns 4026531836", "The processes in the initial PID namespace, whose inode number is always 4026531836."),
        ("rlsns -P -o NS,TYPE,HOLDERS", "Namespaces without processes, and what keeps each alive."),
        ("rlsns -t net -o NS,TYPE,NPROCS,IFACES", "Network namespaces with their interfaces and addresses."),
        ("rlsns -t uts -t ipc -o NS,TYPE,HOSTNAME,IPCOBJS", "Hostnames of uts namespaces, IPC objects of ipc namespaces."),
        ("rlsns -t pid -o NS,PID,CONTAINER,COMMAND", "PID namespaces with the container of each one's first process."),
        ("rlsns -t user -o NS,PID,LEVEL,UIDMAP,GIDMAP", "User namespaces, how deep each nests, and their id maps."),
        ("rlsns -P --all-mounts -o NS,TYPE,NSFS", "Namespaces without processes, also those bind-mounted only inside other mount namespaces."),
        ("rlsns -l -o NS,TYPE,ID", "Every namespace with its inode number and its ID, which the kernel never reuses."),
        ("rlsns --compare $$ 1234", "Which namespaces the shell shares with process 1234; exits 0 when it shares them all."),
    ],
    differences: &[
        "*--threads*, *--compare*, *--all-mounts* and the columns ID, CONTAINER, HOLDERS, HOSTNAME, \
         IFACES, UIDMAP, GIDMAP, OFFSETS, MOUNTS, ROOT, IPCOBJS, LEVEL, INIT and SUMMARY are rns \
         extras, and an abbreviation util-linux accepts keeps its meaning. Called *rlsns*, \
         *--help* prints util-linux's text, then the extra options and a pointer to \
         *--list-columns*, which lists the extra columns too (marked \"(rns extra)\"), and \
         names this page; called *lsns* (or any name but *rlsns*), *--help* and \
         *--list-columns* print util-linux's text byte for byte.",
        "A mount point with a newline in it is one line of *NSFS*, the newline escaped as \
         \\x0a; util-linux's table breaks the line there, and its JSON (2.42) keeps only the \
         part before it.",
        "Messages and *--version* use the name the program was called by: installed as *lsns* \
         (for instance with *cargo xtask install --as-util-linux*), it answers exactly as \
         util-linux *lsns* 2.42 does; called *rlsns*, messages start with \"rlsns:\". \
         *--version* prints util-linux's line first, as scripts parse it \
         (\"rlsns from util-linux 2.42.3\", with the name called by), then \"rns\" and its own \
         version on a second line.",
    ],
    see_also: &["runshare(1)", "rnsenter(1)", "lsns(8)", "namespaces(7)", "ioctl_ns(2)", "ip-netns(8)", "scols-filter(5)"],
};

/// The relation `--tree` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeKind {
    Owner,
    Parent,
    Process,
}

/// Options as the lsns main loop leaves them, before defaults are filled in.
#[derive(Debug, Default)]
pub struct LsnsArgs {
    pub json: bool,
    pub force_list: bool,
    pub no_headings: bool,
    /// The last `-o` argument (lsns keeps only the last one).
    pub output: Option<String>,
    pub output_all: bool,
    pub persistent: bool,
    pub task: Option<libc::pid_t>,
    /// The last `-Q` expression, parsed (every one is parsed as it is read; lsns keeps the last).
    pub(crate) filter: Option<super::query::Query>,
    pub raw: bool,
    pub no_trunc: bool,
    pub no_wrap: bool,
    /// `-t` kinds in the order given (empty: all).
    pub types: Vec<NsKind>,
    pub tree: Option<TreeKind>,
    pub list_columns: bool,
    /// The `<namespace ID>` operand, unparsed.
    pub namespace: Option<OsString>,
    /// `--threads`: threads whose namespaces differ from their process's are listed too.
    pub threads: bool,
    /// `--all-mounts`: nsfs bind mounts are looked for in every reachable mount namespace.
    pub all_mounts: bool,
    /// `--compare PID1 PID2`.
    pub compare: Option<(libc::pid_t, libc::pid_t)>,
}

impl LsnsArgs {
    /// How `-J`, `-r`, `-n`, `-u` and `-W` have every table printed: the namespaces, the
    /// processes of one, a comparison (the column list takes only the mode, as
    /// [`crate::output::list_columns`] says).
    pub(crate) fn format(&self) -> Format {
        Format {
            mode: if self.json {
                Mode::Json("namespaces".to_string())
            } else if self.raw {
                Mode::Raw
            } else {
                Mode::Table
            },
            no_headings: self.no_headings,
            no_trunc: self.no_trunc,
            no_wrap: self.no_wrap,
            term_width: crate::output::terminal_width(),
        }
    }
}

/// What the command line asks for.
pub type Parsed = crate::cli::Parsed<LsnsArgs>;

/// Runs lsns's getopt loop over `argv` (`argv[0]` included).
/// `out` is stdout: the filter's scanner echoes there while `-Q` is read.
pub fn parse(argv: &[OsString], out: &mut dyn std::io::Write) -> Result<Parsed> {
    let mut specs = crate::cli::getopt_specs(OPTIONS);
    let core = specs.len();
    specs.extend(crate::cli::getopt_specs(EXTENSIONS));
    let mut getopt = Getopt::new(argv.to_vec(), &specs, Ordering::Permute).with_extensions_from(core);
    let mut args = LsnsArgs::default();
    let mut compare = false;
    // (option, the other option it excludes, seen) as err_exclusive_options tracks them.
    let mut seen_json_raw: Option<Opt> = None;
    let mut seen_persist_task: Option<Opt> = None;
    for item in getopt.by_ref() {
        let (opt, value) = match item {
            Item::Opt(opt, value) => (opt, value),
            Item::Error(msg) => return Err(Error::Usage(msg)),
        };
        exclusive(&mut seen_json_raw, opt, &[(Opt::Json, "--json"), (Opt::Raw, "--raw")])?;
        exclusive(&mut seen_persist_task, opt, &[(Opt::Persistent, "--persistent"), (Opt::Task, "--task")])?;
        // Arguments are bytes: messages quote them as given.
        let text = value.as_ref().map(|v| carry_bytes(v.as_bytes())).unwrap_or_default();
        match opt {
            Opt::Json => args.json = true,
            Opt::List => args.force_list = true,
            Opt::Noheadings => args.no_headings = true,
            Opt::Output => args.output = Some(text),
            Opt::OutputAll => args.output_all = true,
            Opt::Persistent => args.persistent = true,
            Opt::Task => args.task = Some(parse_pid(&text, "invalid PID argument")?),
            Opt::Filter => {
                // lsns parses each expression as it reads the option, so a syntax error
                // comes before errors of later options.
                let (query, echo) = super::query::Query::parse(&text);
                // libsmartcols's scanner copies characters outside the language to stdout
                // while it reads the expression, even when the expression then fails to parse.
                out.write_all(&carried_bytes(&echo)).map_err(|e| Error::tr_io("write error", vec![], &e))?;
                args.filter = Some(query?);
            }
            Opt::Raw => {
                args.raw = true;
                args.no_wrap = true;
            }
            Opt::Notruncate => args.no_trunc = true,
            Opt::Nowrap => args.no_wrap = true,
            Opt::Type => match NsKind::from_name(&text) {
                Some(kind) => args.types.push(kind),
                None => return Err(Error::tr("unknown namespace type: %s", vec![MsgArg::str(&text)])),
            },
            Opt::Tree => {
                let rel = value.as_deref().map(|v| carry_bytes(strip_leading_eq(v).as_bytes()));
                args.tree = Some(match rel.as_deref() {
                    None | Some("owner") => TreeKind::Owner,
                    Some("parent") => TreeKind::Parent,
                    Some("process") => TreeKind::Process,
                    Some(other) => return Err(Error::tr("unknown tree type: %s", vec![MsgArg::str(other)])),
                });
            }
            Opt::ListColumns => args.list_columns = true,
            Opt::Help => return Ok(Parsed::Help),
            Opt::Version => return Ok(Parsed::Version),
            Opt::Threads => args.threads = true,
            Opt::AllMounts => args.all_mounts = true,
            Opt::Compare => compare = true,
        }
    }
    let operands = getopt.into_operands();
    if compare {
        let [first, second] = operands.as_slice() else {
            return Err(Error::msg("--compare needs two PIDs"));
        };
        let pid = |arg: &OsString| parse_pid(&carry_bytes(arg.as_bytes()), "invalid PID argument");
        args.compare = Some((pid(first)?, pid(second)?));
        return Ok(Parsed::Run(args));
    }
    args.namespace = operands.into_iter().next();
    Ok(Parsed::Run(args))
}

/// util-linux's `err_exclusive_options` for one group: the second option of a group that was
/// not seen first is an error naming both, in table order.
fn exclusive(seen: &mut Option<Opt>, opt: Opt, group: &[(Opt, &str)]) -> Result<()> {
    if !group.iter().any(|(o, _)| *o == opt) {
        return Ok(());
    }
    match *seen {
        Some(first) if first != opt => {
            // The option seen first, then this one.
            let name = |o: Opt| group.iter().find(|(g, _)| *g == o).map_or("", |(_, n)| *n);
            Err(Error::exclusive_options(name(first), name(opt)))
        }
        _ => {
            *seen = Some(opt);
            Ok(())
        }
    }
}

/// The interface of rlsns, for man pages and completions.
pub fn interface() -> crate::cli::Interface {
    crate::cli::interface(
        "rlsns",
        "List system namespaces.",
        &[OPTIONS, EXTENSIONS].concat(),
        &[("namespace", "namespace ID (inode number)", false)],
    )
    .in_help_order(USAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_help_names_the_kind_table() {
        // The line is util-linux's msgid, so it stays as util-linux wrote it; the names in it
        // are the kind table's, in its order, as `-t` accepts them.
        let help = OPTIONS.iter().find(|o| o.long == Some("type")).map(|o| o.help).unwrap_or_default();
        let names = help.split_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(names, _)| names);
        assert_eq!(names, Some(TYPE_NAMES.join(", ").as_str()));
    }

    #[test]
    fn help_lines_live_in_the_option_table() {
        crate::cli::usage::assert_one_place(OPTIONS, EXTENSIONS, USAGE);
    }

    fn p(args: &[&str]) -> Result<Parsed> {
        let argv: Vec<OsString> = std::iter::once("lsns").chain(args.iter().copied()).map(OsString::from).collect();
        parse(&argv, &mut std::io::sink())
    }

    #[test]
    fn tree_argument_only_when_attached() {
        let Ok(Parsed::Run(a)) = p(&["-T", "parent"]) else { panic!() };
        assert_eq!(a.tree, Some(TreeKind::Owner));
        assert_eq!(a.namespace, Some(OsString::from("parent")));
        let Ok(Parsed::Run(a)) = p(&["-T=parent"]) else { panic!() };
        assert_eq!(a.tree, Some(TreeKind::Parent));
        assert_eq!(p(&["--tree=x"]).unwrap_err(), Error::msg("unknown tree type: x"));
    }

    #[test]
    fn exclusive_options() {
        assert_eq!(p(&["-J", "-r"]).unwrap_err(), Error::msg("options --json and --raw cannot be combined"));
        assert_eq!(
            p(&["-P", "-p", "1"]).unwrap_err(),
            Error::msg("options --persistent and --task cannot be combined")
        );
        // Named in the order given (2.42.2: `lsns -r -J`, `lsns --task=1 -P`).
        assert_eq!(p(&["-r", "-J"]).unwrap_err(), Error::msg("options --raw and --json cannot be combined"));
        assert_eq!(
            p(&["-p", "1", "-P"]).unwrap_err(),
            Error::msg("options --task and --persistent cannot be combined")
        );
        assert!(p(&["-J", "-J"]).is_ok());
    }

    #[test]
    fn pid_errors() {
        assert_eq!(p(&["-p", "abc"]).unwrap_err(), Error::msg("invalid PID argument: 'abc'"));
        assert_eq!(p(&["-p", "0"]).unwrap_err(), Error::os("invalid PID argument: '0'", libc::ERANGE));
    }

    #[test]
    fn extensions() {
        let Ok(Parsed::Run(a)) = p(&["--threads", "-t", "uts"]) else { panic!() };
        assert!(a.threads && !a.all_mounts);
        let Ok(Parsed::Run(a)) = p(&["--all-mounts", "-P"]) else { panic!() };
        assert!(a.all_mounts && a.persistent);
        let Ok(Parsed::Run(a)) = p(&["--compare", "1", "-J", "22"]) else { panic!() };
        assert_eq!((a.compare, a.json, a.namespace), (Some((1, 22)), true, None));
        assert_eq!(p(&["--compare", "1"]).unwrap_err(), Error::msg("--compare needs two PIDs"));
        assert_eq!(p(&["--compare", "1", "x"]).unwrap_err(), Error::msg("invalid PID argument: 'x'"));
        // The candidates in util-linux's long_opts order (2.42.2: `lsns --no`).
        assert!(matches!(p(&["--no"]), Err(Error::Usage(m))
            if m.contains("possibilities: '--notruncate' '--noheadings' '--nowrap'")));
        // util-linux's abbreviations are untouched: --t is still ambiguous (tree, type)
        assert!(matches!(p(&["--t"]), Err(Error::Usage(m)) if m.contains("ambiguous")));
        let Ok(Parsed::Run(a)) = p(&["--th", "--c", "1", "2"]) else { panic!() };
        assert!(a.threads && a.compare.is_some());
    }

    #[test]
    fn help_wins_over_later_errors() {
        assert!(matches!(p(&["-h", "--bogus"]), Ok(Parsed::Help)));
    }
}
