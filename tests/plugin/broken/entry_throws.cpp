// A plugin whose entry point lets a C++ exception escape (which the ABI forbids): the host must
// refuse it and keep running.
#include <connhost/abi.h>

#include <stdexcept>

extern "C" CONNHOST_EXPORT const ch_plugin_descriptor* connhost_plugin_entry(
    const ch_host_services*, ch_error*) {
  throw std::runtime_error("database of licenses unreachable");
}
