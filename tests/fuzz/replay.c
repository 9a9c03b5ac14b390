/* Runs a fuzz target's LLVMFuzzerTestOneInput once on every file of a folder, without
 * libFuzzer: every build (gcc, and FOT_SANITIZE) then replays the seeds and the fixed
 * crash reproducers as regression tests. */
#include <dirent.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Only some targets set up state first. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_FOLDER\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    GError *error = NULL;
    GDir *dir = g_dir_open(argv[1], 0, &error);
    if (!dir) {
        fprintf(stderr, "%s\n", error->message);
        return 2;
    }
    unsigned n = 0;
    for (const char *name; (name = g_dir_read_name(dir)) != NULL; n++) {
        char *path = g_build_filename(argv[1], name, NULL);
        gchar *data;
        gsize size;
        if (!g_file_get_contents(path, &data, &size, &error)) {
            fprintf(stderr, "%s\n", error->message);
            return 2;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)data, size);
        g_free(data);
        g_free(path);
    }
    g_dir_close(dir);
    printf("%u inputs replayed\n", n);
    return n ? 0 : 1;
}
