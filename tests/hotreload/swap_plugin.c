/* One source, built as several versions of the same plugin id (tests/hotreload/CMakeLists.txt):
 * SWAP_VERSION and SWAP_MARKER tell the versions apart in what they report, SWAP_FLAGS says
 * whether the host may unload it. Plain C: a C++ library with STB_GNU_UNIQUE symbols (inline
 * statics of the standard library) is never unmapped by glibc, whatever the host does, and the
 * tests watch the mapping go.
 *
 * Its one stream's read blocks while the connection's hold_file setting names a file that does
 * not exist yet: a test holds a run open on this version that way, and releases it by creating
 * the file. It writes "<hold_file>.started" first, so the test knows the run is under way. */
#include <connhost/abi.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef SWAP_ID
#define SWAP_ID "swap"
#endif
#ifndef SWAP_FLAGS
#define SWAP_FLAGS 0
#endif

static const ch_host_services* host;

typedef struct swap_instance {
  char hold_file[512];
} swap_instance;

static ch_status create(ch_call* call, const ch_config* config, ch_instance** out, ch_error* err) {
  (void)call, (void)err;
  swap_instance* self = calloc(1, sizeof *self);
  for (size_t i = 0; i < config->count; ++i) {
    const ch_config_entry* e = &config->entries[i];
    if (e->key.size == 9 && memcmp(e->key.data, "hold_file", 9) == 0 &&
        e->value.size < sizeof self->hold_file)
      memcpy(self->hold_file, e->value.data, e->value.size);
  }
  *out = (ch_instance*)self;
  return CH_OK;
}

static void destroy(ch_instance* instance) {
  free(instance);
}

static int exists(const char* path) {
  return access(path, F_OK) == 0;
}

static ch_status read_stream(ch_instance* instance, ch_call* call, const ch_read_request* request,
                             ch_error* err) {
  const swap_instance* self = (const swap_instance*)instance;
  if (self->hold_file[0]) {
    char started[600];
    snprintf(started, sizeof started, "%s.started", self->hold_file);
    FILE* f = fopen(started, "w");
    if (f) fclose(f);
    /* Bounded, so a test that forgets to release cannot hang the suite. */
    struct timespec tick = {0, 5 * 1000 * 1000};
    for (int i = 0; i < 12000 && !exists(self->hold_file); ++i) nanosleep(&tick, NULL);
  }
  if (host->row_begin(call, request->stream, err) != CH_OK) return CH_FAILED;
  if (host->row_set_string(call, 0, (ch_str)CH_STR(SWAP_VERSION), err) != CH_OK) return CH_FAILED;
  if (host->row_set_int64(call, 1, SWAP_MARKER, err) != CH_OK) return CH_FAILED;
  return host->row_end(call, err);
}

static const ch_config_field fields[] = {
    {CH_STR("hold_file"), CH_CONFIG_STRING, 0, CH_STR(""), CH_STR("a read waits for this file")},
#ifdef SWAP_REQUIRES_REGION
    {CH_STR("region"), CH_CONFIG_STRING, CH_CONFIG_REQUIRED, CH_STR_NULL,
     CH_STR("a setting this version requires")},
#endif
};

static const ch_column_def columns[] = {
    {CH_STR("version"), CH_COL_STRING, CH_COLUMN_PRIMARY_KEY, CH_STR("the plugin's version")},
    {CH_STR("marker"), CH_COL_INT64, 0, CH_STR("the version's marker")},
};

static const ch_stream_def streams[] = {
    {sizeof(ch_stream_def), CH_STR("marks"), columns, 2, CH_STR("one row: who answered")},
};

static const ch_reporting_v1 reporting = {sizeof(ch_reporting_v1), streams, 1, read_stream};

static ch_plugin_descriptor descriptor = {
    sizeof(ch_plugin_descriptor),
    CONNHOST_ABI_MAJOR,
    CONNHOST_ABI_MINOR,
    CH_STR(SWAP_ID),
    CH_STR("Hot swap test plugin"),
    CH_STR(SWAP_VERSION),
    CH_STR("test"),
    fields,
    sizeof(fields) / sizeof(fields[0]),
    create,
    destroy,
    NULL,
    &reporting,
    NULL,
    NULL,
    NULL,
    NULL,
    0,
    SWAP_FLAGS,
};

CONNHOST_EXPORT const ch_plugin_descriptor* connhost_plugin_entry(const ch_host_services* h,
                                                                  ch_error* err) {
  (void)err;
  host = h;
#ifdef SWAP_BROKEN
  descriptor.abi_major = CONNHOST_ABI_MAJOR + 1;
#endif
#ifdef SWAP_ABI12
  /* As built against the 1.2 header: the descriptor ends before flags. */
  descriptor.abi_minor = 2;
  descriptor.struct_size = offsetof(ch_plugin_descriptor, flags);
  descriptor.flags = 0xffffffffu; /* past struct_size: the host must not read it */
#endif
  return &descriptor;
}
