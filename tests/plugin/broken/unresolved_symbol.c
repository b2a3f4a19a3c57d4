/* Links against a function nobody defines: dlopen with RTLD_NOW must refuse it. */
#include <connhost/abi.h>

extern int connhost_no_such_function(void);

CONNHOST_EXPORT const ch_plugin_descriptor* connhost_plugin_entry(const ch_host_services* host,
                                                                  ch_error* err) {
  (void)host, (void)err;
  return connhost_no_such_function() ? (const ch_plugin_descriptor*)0 : (const ch_plugin_descriptor*)0;
}
