/* Deliberately broken plugins, one per BROKEN_* macro, each built into its own library by
 * tests/plugin/CMakeLists.txt. Plain C: it also shows that the ABI needs no C++ on the plugin
 * side. */
#include <connhost/abi.h>
#include <stdio.h>
#include <string.h>

#ifndef PLUGIN_ID
#define PLUGIN_ID "broken"
#endif

static ch_status create(ch_call* call, const ch_config* config, ch_instance** out, ch_error* err) {
  (void)call, (void)config, (void)err;
  static int token;
  *out = (ch_instance*)&token;
  return CH_OK;
}
static void destroy(ch_instance* instance) {
  (void)instance;
}

static const ch_config_field fields[] = {
#if defined(BROKEN_SCHEMA_TYPE)
    {CH_STR("base_url"), 99, 0, CH_STR_NULL, CH_STR("a field of unknown type")},
#elif defined(BROKEN_SCHEMA_DUPLICATE)
    {CH_STR("base_url"), CH_CONFIG_STRING, 0, CH_STR_NULL, CH_STR("one")},
    {CH_STR("base_url"), CH_CONFIG_STRING, 0, CH_STR_NULL, CH_STR("two")},
#elif defined(BROKEN_SCHEMA_SECRET_DEFAULT)
    {CH_STR("token"), CH_CONFIG_STRING, CH_CONFIG_SECRET, CH_STR("hunter22"), CH_STR("a secret")},
#else
    {CH_STR("base_url"), CH_CONFIG_STRING, 0, CH_STR("https://x.test"), CH_STR("host")},
#endif
};

static __attribute__((unused)) ch_plugin_descriptor descriptor = {sizeof(ch_plugin_descriptor),
                                          CONNHOST_ABI_MAJOR,
                                          CONNHOST_ABI_MINOR,
#ifdef BROKEN_MISSING_ID
                                          CH_STR(""),
#else
                                           CH_STR(PLUGIN_ID),
#endif
                                          CH_STR("Broken test plugin"),
                                          CH_STR("0.0.1"),
                                          CH_STR("test"),
                                          fields,
                                          sizeof(fields) / sizeof(fields[0]),
                                          create,
                                          destroy,
                                          NULL,
                                          NULL,
                                          NULL,
                                          NULL,
                                          NULL};

#ifndef BROKEN_NO_ENTRY
CONNHOST_EXPORT const ch_plugin_descriptor* connhost_plugin_entry(const ch_host_services* host,
                                                                  ch_error* err) {
  (void)host;
#if defined(BROKEN_ABI_MAJOR)
  descriptor.abi_major = CONNHOST_ABI_MAJOR + 1;
#elif defined(BROKEN_ABI_MINOR)
  descriptor.abi_minor = CONNHOST_ABI_MINOR + 1;
#elif defined(BROKEN_STRUCT_SMALL)
  descriptor.struct_size = 8;
#elif defined(BROKEN_STRUCT_HUGE)
  descriptor.struct_size = 1u << 20;
#elif defined(BROKEN_UNAVAILABLE_NO_REASON)
  static const ch_capability_note notes[] = {{CH_CAP_MESSAGING, CH_STR_NULL}};
  descriptor.unavailable = notes;
  descriptor.unavailable_count = 1;
#elif defined(BROKEN_UNAVAILABLE_TWO_BITS)
  static const ch_capability_note notes[] = {{CH_CAP_MESSAGING | CH_CAP_LOGIN, CH_STR("gone")}};
  descriptor.unavailable = notes;
  descriptor.unavailable_count = 1;
#elif defined(BROKEN_ENTRY_ERROR)
  err->category = CH_ERROR_CONFIG;
  snprintf(err->message, sizeof err->message, "license file missing");
  return NULL;
#endif
  (void)err;
  return &descriptor;
}
#else
/* Exports something, just not the entry point. */
CONNHOST_EXPORT int connhost_plugin_entry_typo(void) {
  return 0;
}
#endif
