/* A plugin as built against ABI 1.0: its messaging table ends after `send`, so media_url, which
 * ABI 1.1 appended, lies beyond its struct_size. The host must treat it as not offered and never
 * call the pointer that happens to sit there. Plain C, written as an older SDK would have. */
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
static ch_status verify(ch_instance* i, ch_call* c, const ch_webhook_request* r, ch_error* err) {
  (void)i, (void)c, (void)r, (void)err;
  return CH_OK;
}
static ch_status media_url(ch_instance* i, ch_call* c, const ch_media_request* r, ch_error* err) {
  (void)i, (void)c, (void)r, (void)err;
  fprintf(stderr, "media_url of a 1.0 table was called\n");
  abort();
}

static const ch_config_field fields[] = {
    {CH_STR("base_url"), CH_CONFIG_STRING, 0, CH_STR("https://x.test"), CH_STR("host")},
};

static const ch_messaging_v1 messaging = {
    offsetof(ch_messaging_v1, media_url), NULL, verify, NULL, NULL, media_url};

static const ch_plugin_descriptor descriptor = {sizeof(ch_plugin_descriptor),
                                                CONNHOST_ABI_MAJOR,
                                                0,
                                                CH_STR("messaging_abi10"),
                                                CH_STR("Messaging as of ABI 1.0"),
                                                CH_STR("0.0.1"),
                                                CH_STR("test"),
                                                fields,
                                                1,
                                                create,
                                                destroy,
                                                NULL,
                                                NULL,
                                                NULL,
                                                &messaging,
                                                NULL};

CONNHOST_EXPORT const ch_plugin_descriptor* connhost_plugin_entry(const ch_host_services* host,
                                                                  ch_error* err) {
  (void)host, (void)err;
  return &descriptor;
}
