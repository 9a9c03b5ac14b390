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

/* A -z item of the settings: a comma would end it, so "," is spelled "comma"
 * (what delimiter= accepts), and any other value with a comma goes as a
 * preference (-o) instead. */
static bool
fits_z(const char *setting)
{
    return strchr(setting, ',') == NULL;
}

static char *
z_argument(const fot_cli_args *a, const char *mode, const char *extra)
{
    GString *z = g_string_new("4o6top,");
    g_string_append(z, mode);
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
fot_tshark_argv(const fot_cli_args *a, bool with_profile)
{
    GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(v, g_strdup("tshark"));
    g_ptr_array_add(v, g_strdup("-r"));
    g_ptr_array_add(v, g_strdup(a->file));
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
    g_ptr_array_add(v, z_argument(a, fot_modes[a->mode].name, NULL));
    if (a->elastic) {
        char *extra = g_strdup_printf("format=json,output=/dev/fd/%d", FOT_CLI_DOC_FD);
        g_ptr_array_add(v, g_strdup("-z"));
        g_ptr_array_add(v, z_argument(a, "stat", extra));
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

bool
fot_tshark_profile_installed(void)
{
    /* Where Wireshark looks: $XDG_CONFIG_HOME or ~/.config, then the global folder. */
    char *personal = g_build_filename(g_get_user_config_dir(), "wireshark", "profiles", NULL);
    bool found = profile_in(personal) || profile_in(FOT_CLI_GLOBAL_PROFILES);
    g_free(personal);
    return found;
}

static volatile sig_atomic_t child_pid;

/* A signal from the terminal reaches tshark too (same process group); one
 * sent to this process alone (kill, a service manager) is passed on. */
static void
forward_signal(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (child_pid > 0 && info->si_code <= 0)
        kill(child_pid, sig);
}

/* Lines of a pipe, as they complete. */
typedef struct line_reader {
    int fd;
    GString *buf;
} line_reader;

/* Reads what is there; calls fn per complete line (and the rest at EOF).
 * Returns false at EOF. */
static bool
read_lines(line_reader *r, void (*fn)(const char *line, void *ud), void *ud)
{
    char chunk[65536];
    ssize_t n = read(r->fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
        return true;
    if (n > 0)
        g_string_append_len(r->buf, chunk, n);
    char *nl;
    while ((nl = memchr(r->buf->str, '\n', r->buf->len))) {
        char save = nl[1];
        nl[1] = '\0';
        fn(r->buf->str, ud);
        nl[1] = save;
        g_string_erase(r->buf, 0, nl + 1 - r->buf->str);
    }
    if (n <= 0 && r->buf->len) {
        fn(r->buf->str, ud);
        g_string_truncate(r->buf, 0);
    }
    return n > 0;
}

typedef struct stderr_state {
    bool no_plugin; /* tshark's list of -z statistics follows: say what is missing instead */
} stderr_state;

static void
relay_stderr(const char *line, void *ud)
{
    stderr_state *st = ud;
    if (g_str_has_prefix(line, NO_PLUGIN_LINE)) {
        st->no_plugin = true;
        fputs("4o6top: tshark did not load the 4o6top plugin: install the 4o6top package "
              "(or build it and run cmake --install); tshark -G plugins lists what tshark loads\n",
              stderr);
        return;
    }
    if (st->no_plugin && g_str_has_prefix(line, "     "))
        return;
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

static void
exec_child(GPtrArray *argv, int err_fd, int doc_fd, const char *tshark)
{
    /* The pipes are close-on-exec; dup2 makes copies that are not. */
    dup2(err_fd, STDERR_FILENO);
    if (doc_fd == FOT_CLI_DOC_FD)
        fcntl(doc_fd, F_SETFD, 0);
    else if (doc_fd >= 0)
        dup2(doc_fd, FOT_CLI_DOC_FD);
    execv(tshark, (char **)argv->pdata);
    dprintf(STDERR_FILENO, "4o6top: cannot run %s: %s\n", tshark, strerror(errno));
    _exit(127);
}

int
fot_tshark_run(GPtrArray *argv, fot_doc_fn doc_fn, void *ud, char **err)
{
    char *tshark = g_find_program_in_path("tshark");
    if (!tshark) {
        *err = g_strdup("tshark not found in PATH: install it (Debian, Ubuntu: apt install tshark)");
        return 127;
    }
    int err_pipe[2], doc_pipe[2] = { -1, -1 };
    if (pipe2(err_pipe, O_CLOEXEC) != 0 || (doc_fn && pipe2(doc_pipe, O_CLOEXEC) != 0)) {
        *err = g_strdup_printf("pipe: %s", g_strerror(errno));
        g_free(tshark);
        return 127;
    }
    struct sigaction sa = { 0 };
    sa.sa_sigaction = forward_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        exec_child(argv, err_pipe[1], doc_pipe[1], tshark);
    g_free(tshark);
    close(err_pipe[1]);
    if (doc_fn)
        close(doc_pipe[1]);
    if (pid < 0) {
        *err = g_strdup_printf("fork: %s", g_strerror(errno));
        close(err_pipe[0]);
        if (doc_fn)
            close(doc_pipe[0]);
        return 127;
    }
    child_pid = pid;

    stderr_state st = { false };
    doc_sink docs = { doc_fn, ud };
    line_reader readers[2] = { { err_pipe[0], g_string_new(NULL) }, { doc_pipe[0], g_string_new(NULL) } };
    struct pollfd fds[2] = { { err_pipe[0], POLLIN, 0 }, { doc_fn ? doc_pipe[0] : -1, POLLIN, 0 } };
    int open_fds = doc_fn ? 2 : 1;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0)
            continue; /* EINTR: a signal passed on */
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            bool more = i == 0 ? read_lines(&readers[0], relay_stderr, &st) : read_lines(&readers[1], pass_doc, &docs);
            if (!more) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    g_string_free(readers[0].buf, TRUE);
    g_string_free(readers[1].buf, TRUE);

    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    child_pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
