/* \summary: tshark for the command: its arguments, the capture fed through a pipe, its words relayed */
#include "tshark_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fot_mode.h"

/* tshark's answer when no loaded plugin registered -z 4o6top. */
#define NO_PLUGIN_LINE "tshark: Invalid -z argument \"4o6top,"
/* tshark's words when it cannot read the capture we pipe in. */
#define STDIN_LINE "tshark: The standard input "
/* Said as root, to no purpose here. */
#define ROOT_LINE "Running as user \"root\""
/* The plugin's answer to a -filter tshark cannot compile: a usage error. */
#define BAD_FILTER_LINE "4o6top: bad filter: "

/* A -z item of the settings: a comma would end it, so "," is spelled "comma"
 * (what delimiter= accepts), and any other value with a comma goes as a
 * preference (-o) instead. */
static bool
fits_z(const char *setting)
{
    return strchr(setting, ',') == NULL;
}

static char *
z_argument(const fot_cli_args *a, const char *mode, const char *extra, bool not_live)
{
    GString *z = g_string_new("4o6top,");
    g_string_append(z, mode);
    /* tshark reads a pipe from us even for a file: a file (or a pipe of old
     * packets) still gets one sum table, as tshark -r FILE gives (a -refresh
     * flag, later, still wins). */
    if (not_live)
        g_string_append(z, ",refresh=off");
    for (guint i = 0; i < a->settings->len; i++) {
        const char *s = g_ptr_array_index(a->settings, i);
        if (strcmp(s, "delimiter=,") == 0)
            g_string_append(z, ",delimiter=comma");
        else if (fits_z(s))
            g_string_append_printf(z, ",%s", s);
    }
    if (extra)
        g_string_append_printf(z, ",%s", extra);
    if (a->filter)
        g_string_append_printf(z, ",filter=%s", a->filter);
    return g_string_free(z, FALSE);
}

GPtrArray *
fot_tshark_argv(const fot_cli_args *a, bool with_profile, bool not_live)
{
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(v, g_strdup("tshark"));
    g_ptr_array_add(v, g_strdup("-r"));
    g_ptr_array_add(v, g_strdup("-")); /* fed by fot_tshark_run */
    g_ptr_array_add(v, g_strdup("-q"));
    if (with_profile) {
        g_ptr_array_add(v, g_strdup("-C"));
        g_ptr_array_add(v, g_strdup(FOT_CLI_PROFILE));
    }
    for (guint i = 0; i < a->settings->len; i++) {
        const char *s = g_ptr_array_index(a->settings, i);
        if (!fits_z(s) && strcmp(s, "delimiter=,") != 0) {
            const char *eq = strchr(s, '=');
            g_ptr_array_add(v, g_strdup("-o"));
            g_ptr_array_add(v, g_strdup_printf("4o6top.%.*s:%s", (int)(eq - s), s, eq + 1));
        }
    }
    g_ptr_array_add(v, g_strdup("-z"));
    g_ptr_array_add(v, z_argument(a, fot_modes[a->mode].name, NULL, not_live));
    if (a->elastic) { /* the documents: stat rows, and the ce events */
        char *extra = g_strdup_printf("format=json,output=/dev/fd/%d", FOT_CLI_DOC_FD);
        g_ptr_array_add(v, g_strdup("-z"));
        g_ptr_array_add(v, z_argument(a, "stat", extra, not_live));
        char *events = g_strdup_printf("events,%s", extra);
        g_ptr_array_add(v, g_strdup("-z"));
        g_ptr_array_add(v, z_argument(a, "ce", events, not_live));
        g_free(events);
        g_free(extra);
    }
    g_ptr_array_add(v, NULL);
    return v;
}

static bool
profile_in(const char *dir)
{
    char *path = g_build_filename(dir, FOT_CLI_PROFILE, NULL);
    bool found = g_file_test(path, G_FILE_TEST_IS_DIR);
    g_free(path);
    return found;
}

/* Wireshark's global profiles: under WIRESHARK_DATA_DIR when that is set and
 * the process has no set-id privileges (as Wireshark decides), else where
 * cmake --install put ours. */
static char *
global_profiles_dir(void)
{
    const char *data_dir = g_getenv("WIRESHARK_DATA_DIR");
    if (data_dir && *data_dir && getuid() == geteuid() && getgid() == getegid())
        return g_build_filename(data_dir, "profiles", NULL);
    return g_strdup(FOT_CLI_GLOBAL_PROFILES);
}

bool
fot_tshark_profile_installed(void)
{
    /* Where Wireshark looks: $XDG_CONFIG_HOME or ~/.config, then the global folder. */
    char *personal = g_build_filename(g_get_user_config_dir(), "wireshark", "profiles", NULL);
    char *global = global_profiles_dir();
    bool found = profile_in(personal) || profile_in(global);
    g_free(personal);
    g_free(global);
    return found;
}

/* Signals, written to a pipe the run loop watches (the self-pipe trick). */
static int signal_pipe[2] = { -1, -1 };

static void
note_signal(int sig)
{
    unsigned char c = (unsigned char)sig;
    ssize_t n = write(signal_pipe[1], &c, 1);
    (void)n; /* a full pipe already holds a signal to act on */
}

/* Lines of a pipe, as they complete. */
typedef struct line_reader {
    GString *buf;
    void (*fn)(const char *line, void *ud);
    void *ud;
} line_reader;

/* Reads what is there; calls fn per complete line (and the rest at EOF).
 * Returns false at EOF or error. */
static bool
read_lines(int fd, line_reader *r)
{
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n > 0)
        g_string_append_len(r->buf, chunk, n);
    char *nl;
    while ((nl = memchr(r->buf->str, '\n', r->buf->len))) {
        char save = nl[1];
        nl[1] = '\0';
        r->fn(r->buf->str, r->ud);
        nl[1] = save;
        g_string_erase(r->buf, 0, nl + 1 - r->buf->str);
    }
    if (n <= 0 && r->buf->len) {
        r->fn(r->buf->str, r->ud);
        g_string_truncate(r->buf, 0);
    }
    return n > 0;
}

typedef struct stderr_state {
    const char *name;  /* the capture, in messages */
    bool no_plugin;    /* tshark's list of -z statistics follows: say what is missing instead */
    bool capture_bad;  /* tshark could not read the capture to its end */
    bool bad_filter;
    GString *held;     /* a capture message whose "(detail)" line may follow */
} stderr_state;

/* tshark names our pipe "the standard input"; its words about the capture,
 * said naming the capture, as the native reader says them. */
static const struct {
    const char *tshark, *ours;
} capture_words[] = {
    { "appears to have been cut short in the middle of a packet", "cut short in the middle of a packet" },
    { "isn't a capture file in a format TShark understands.",
      "not a capture file (neither pcap nor pcapng, nor a format tshark reads)" },
    { "appears to be damaged or corrupt.", "damaged or corrupt" },
};

static void
flush_held(stderr_state *st, const char *detail)
{
    if (!st->held)
        return;
    if (detail)
        fprintf(stderr, "4o6top: %s: %s %.*s\n", st->name, st->held->str, (int)strcspn(detail, "\n"), detail);
    else
        fprintf(stderr, "4o6top: %s: %s\n", st->name, st->held->str);
    g_string_free(st->held, TRUE);
    st->held = NULL;
}

static bool
capture_message(stderr_state *st, const char *line)
{
    const char *rest = line + strlen(STDIN_LINE);
    if (!g_str_has_prefix(line, STDIN_LINE))
        return false;
    st->capture_bad = true;
    const char *ours = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(capture_words) && !ours; i++)
        if (g_str_has_prefix(rest, capture_words[i].tshark))
            ours = capture_words[i].ours;
    st->held = g_string_new(ours);
    if (!ours)
        g_string_append_len(st->held, rest, (gssize)strcspn(rest, ".\n"));
    return true;
}

static void
relay_stderr(const char *line, void *ud)
{
    stderr_state *st = ud;
    if (st->held) {
        bool detail = line[0] == '(';
        flush_held(st, detail ? line : NULL);
        if (detail)
            return;
    }
    if (g_str_has_prefix(line, ROOT_LINE) || capture_message(st, line))
        return;
    if (g_str_has_prefix(line, NO_PLUGIN_LINE)) {
        st->no_plugin = true;
        fputs("4o6top: tshark did not load the 4o6top plugin: install the 4o6top package "
              "(or build it and run cmake --install); tshark -G plugins lists what tshark loads\n",
              stderr);
        return;
    }
    if (st->no_plugin && g_str_has_prefix(line, "     "))
        return;
    st->bad_filter |= g_str_has_prefix(line, BAD_FILTER_LINE);
    fputs(line, stderr);
}

typedef struct doc_sink {
    fot_doc_fn fn;
    void *ud;
} doc_sink;

static void
pass_doc(const char *line, void *ud)
{
    doc_sink *d = ud;
    d->fn(line, d->ud);
}

/* In the child: the pipes onto stdin, stderr and FOT_CLI_DOC_FD (the pipes
 * are close-on-exec; dup2's copies are not), a process group of its own so
 * that the terminal's Ctrl-C reaches only this command, and default SIGPIPE. */
static void
exec_child(GPtrArray *argv, int in_fd, int err_fd, int doc_fd, const char *tshark)
{
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    dup2(in_fd, STDIN_FILENO);
    dup2(err_fd, STDERR_FILENO);
    if (doc_fd == FOT_CLI_DOC_FD)
        fcntl(doc_fd, F_SETFD, 0);
    else if (doc_fd >= 0)
        dup2(doc_fd, FOT_CLI_DOC_FD);
    execv(tshark, (char **)argv->pdata);
    dprintf(STDERR_FILENO, "4o6top: cannot run %s: %s\n", tshark, strerror(errno));
    _exit(127);
}

/* The capture's bytes, from its file or our stdin, into tshark's stdin:
 * first those already read (the head), then the rest. */
typedef struct feeder {
    int in, out;     /* -1 once closed */
    char buf[65536];
    const char *at;  /* len bytes waiting to be written */
    size_t len;
} feeder;

static void
feeder_stop(feeder *f)
{
    if (f->in > STDIN_FILENO)
        close(f->in);
    if (f->out >= 0)
        close(f->out);
    f->in = f->out = -1;
    f->len = 0;
}

static void
feed(feeder *f, bool readable, bool writable)
{
    if (readable && f->len == 0) {
        ssize_t n = read(f->in, f->buf, sizeof f->buf);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
            feeder_stop(f); /* end of the capture: tshark finishes and prints */
            return;
        }
        f->len = n > 0 ? (size_t)n : 0;
        f->at = f->buf;
    }
    if (writable && f->len) {
        ssize_t n = write(f->out, f->at, f->len);
        if (n < 0 && errno != EINTR && errno != EAGAIN) {
            feeder_stop(f); /* tshark has gone (a bad filter, say): its stderr says why */
            return;
        }
        if (n > 0) {
            f->at += n;
            f->len -= (size_t)n;
        }
    }
}

/* Signals go through signal_pipe to the loop that relays tshark; a reader
 * of our output that goes away must not kill us before tshark ends. */
static void
catch_signals(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = note_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Until tshark has closed its stderr and its documents: feed it the capture,
 * relay what it says, pass its documents on, and stop it on a signal. */
static void
relay_child(pid_t pid, feeder *f, int err_fd, int doc_fd, line_reader *err_lines, line_reader *doc_lines)
{
    int signals = 0;
    while (err_fd >= 0 || doc_fd >= 0) {
        struct pollfd fds[5] = {
            { signal_pipe[0], POLLIN, 0 },
            { err_fd, POLLIN, 0 },
            { doc_fd, POLLIN, 0 },
            { f->len == 0 && f->out >= 0 ? f->in : -1, POLLIN, 0 },
            { f->len ? f->out : -1, POLLOUT, 0 },
        };
        if (poll(fds, G_N_ELEMENTS(fds), -1) < 0)
            continue; /* EINTR: the signal is in the pipe */
        if (fds[0].revents & POLLIN) {
            unsigned char sig;
            while (read(signal_pipe[0], &sig, 1) == 1) {
                /* The first: end of input, so tshark prints what it has (tshark itself
                 * would stop without its final output). The second: stop it now. */
                if (++signals == 1)
                    feeder_stop(f);
                else
                    kill(pid, SIGTERM);
            }
        }
        const short done = POLLIN | POLLHUP | POLLERR;
        if ((fds[1].revents & done) && !read_lines(err_fd, err_lines)) {
            close(err_fd);
            err_fd = -1;
        }
        if ((fds[2].revents & done) && !read_lines(doc_fd, doc_lines)) {
            close(doc_fd);
            doc_fd = -1;
        }
        if (f->out >= 0)
            feed(f, fds[3].revents & done, fds[4].revents & (POLLOUT | POLLERR | POLLHUP));
    }
}

int
fot_tshark_run(GPtrArray *argv, const fot_tshark_input *in, fot_doc_fn doc_fn, void *ud, char **err)
{
    char *tshark = g_find_program_in_path("tshark");
    if (!tshark) {
        *err = g_strdup("tshark not found in PATH: install it (Debian, Ubuntu: apt install tshark)");
        return 127;
    }
    int in_pipe[2], err_pipe[2], doc_pipe[2] = { -1, -1 };
    if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 ||
        (doc_fn && pipe2(doc_pipe, O_CLOEXEC) != 0) || pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        *err = g_strdup_printf("pipe: %s", g_strerror(errno));
        g_free(tshark);
        return 127;
    }
    catch_signals();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        exec_child(argv, in_pipe[0], err_pipe[1], doc_pipe[1], tshark);
    g_free(tshark);
    close(in_pipe[0]);
    close(err_pipe[1]);
    if (doc_fn)
        close(doc_pipe[1]);
    if (pid < 0) {
        *err = g_strdup_printf("fork: %s", g_strerror(errno));
        close(in_pipe[1]);
        close(err_pipe[0]);
        if (doc_fn)
            close(doc_pipe[0]);
        return 127;
    }
    fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);

    stderr_state st = { .name = in->name };
    doc_sink docs = { doc_fn, ud };
    line_reader err_lines = { g_string_new(NULL), relay_stderr, &st };
    line_reader doc_lines = { g_string_new(NULL), pass_doc, &docs };
    feeder f = { .in = in->fd, .out = in_pipe[1], .at = (const char *)in->prefix, .len = in->prefix_len };
    relay_child(pid, &f, err_pipe[0], doc_fn ? doc_pipe[0] : -1, &err_lines, &doc_lines);
    feeder_stop(&f);
    flush_held(&st, NULL);
    g_string_free(err_lines.buf, TRUE);
    g_string_free(doc_lines.buf, TRUE);

    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status))
        return 128 + WTERMSIG(status);
    if (in->note && !st.capture_bad)
        fprintf(stderr, "%s\n", in->note);
    if (st.bad_filter)
        return 2;
    return WEXITSTATUS(status) || st.capture_bad ? 1 : 0;
}
