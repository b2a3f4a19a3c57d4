/* A profile plugin as built against ABI 1.1 (PROFILE_ABI11: its profile table ends after `fetch`,
 * so required_scopes, which ABI 1.2 appended, lies beyond its struct_size), or as a 1.2 plugin
 * that leaves required_scopes NULL (PROFILE_NULL). Either way the host must take it as stating
 * no scopes and never call the pointer that happens to sit past the table. Plain C, as an older
 * SDK would have written it. */
#include <connhost/abi.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static ch_status create(ch_call* call, const ch_config* config, ch_instance** out, ch_error* err) {
  (void)call, (void)config, (void)err;
  static int token;
  *out = (ch_instance*)&token;
  return CH_OK;
}
static void destroy(ch_instance* instance) {
  (void)instance;
}
static ch_status fetch(ch_instance* i, ch_call* c, const ch_profile_request* r, ch_error* err) {
  (void)i, (void)c, (void)r, (void)err;
  return CH_OK;
}
static ch_status required_scopes(ch_instance* i, ch_call* c, ch_error* err) {
  (void)i, (void)c, (void)err;
  fprintf(stderr, "required_scopes of a table without it was called\n");
  abort();
}

static const ch_config_field fields[] = {
    {CH_STR("base_url"), CH_CONFIG_STRING, 0, CH_STR("https://x.test"), CH_STR("host")},
};

#if defined(PROFILE_ABI11)
static const ch_profile_v1 profile = {offsetof(ch_profile_v1, required_scopes), fetch,
                                      required_scopes};
#define PLUGIN_MINOR 1
#define PLUGIN_ID "profile_abi11"
#else
static const ch_profile_v1 profile = {sizeof(ch_profile_v1), fetch, NULL};
#define PLUGIN_MINOR CONNHOST_ABI_MINOR
#define PLUGIN_ID "profile_null"
#endif

static const ch_plugin_descriptor descriptor = {sizeof(ch_plugin_descriptor),
                                                CONNHOST_ABI_MAJOR,
                                                PLUGIN_MINOR,
                                                CH_STR(PLUGIN_ID),
                                                CH_STR("Profile without required_scopes"),
                                                CH_STR("0.0.1"),
                                                CH_STR("test"),
                                                fields,
                                                1,
                                                create,
                                                destroy,
                                                NULL,
                                                NULL,
                                                NULL,
                                                NULL,
                                                &profile,
                                                NULL,
                                                0};

CONNHOST_EXPORT const ch_plugin_descriptor* connhost_plugin_entry(const ch_host_services* host,
                                                                  ch_error* err) {
  (void)required_scopes;
  (void)host, (void)err;
  return &descriptor;
}
