#include "plugin/loader.hpp"

#include <boost/dll/shared_library.hpp>

#include <cstddef>
#include <cstring>
#include <exception>

#include "log/logger.hpp"
#include "plugin/descriptor_check.hpp"
#include "plugin/host_services.hpp"

namespace connhost::plugin {
namespace {

// The descriptor of ABI 1.0 ended before `unavailable`: nothing older exists, so the host accepts
// no smaller struct, and everything appended since reads as zero in an older plugin's copy.
constexpr uint32_t kMinDescriptorSize = offsetof(ch_plugin_descriptor, unavailable);
constexpr uint32_t kMaxStructSize = 65536;

// Copies a plugin-owned struct that begins with struct_size into a zeroed host-sized one: fields
// the plugin's (older) version lacks read as zero, fields of a newer version are ignored.
template <class T>
T copy_sized(const T* src) {
  T out{};
  if (!src) return out;
  uint32_t n = std::min<uint32_t>(src->struct_size, sizeof(T));
  std::memcpy(&out, src, n);
  out.struct_size = n;
  return out;
}

std::string abi_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// The mapped library and, for a private copy, the file to remove once it is unmapped.
struct Mapped {
  boost::dll::shared_library lib;
  std::filesystem::path copy;
  ~Mapped() {
    lib.unload();
    std::error_code ec;
    if (!copy.empty()) std::filesystem::remove(copy, ec);
  }
};

}  // namespace

std::variant<std::shared_ptr<LoadedPlugin>, std::string> load_library(
    const std::filesystem::path& file, HostAbi abi, const std::filesystem::path& map_from) {
  auto mapped = std::make_shared<Mapped>();
  mapped->copy = map_from;
  auto* lib = &mapped->lib;
  const auto& open_path = map_from.empty() ? file : map_from;
  try {
    // rtld_now: an unresolved symbol refuses the plugin here instead of crashing it later.
    lib->load(open_path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return std::string("not a loadable shared library: ") + e.what();
  }
  if (!lib->has(CONNHOST_ENTRY_SYMBOL))
    return std::string("no entry symbol '") + CONNHOST_ENTRY_SYMBOL +
           "' (was the plugin built with CONNHOST_CONNECTOR or exported as extern \"C\"?)";
  auto entry = lib->get<std::remove_pointer_t<ch_plugin_entry_fn>>(CONNHOST_ENTRY_SYMBOL);

  ch_error err{};
  err.struct_size = sizeof(err);
  err.retry_after_ms = -1;
  const ch_plugin_descriptor* raw = nullptr;
  try {
    raw = entry(&host_services(abi.major, abi.minor), &err);
  } catch (const std::exception& e) {
    return std::string("entry point threw an exception: ") + e.what();
  } catch (...) {
    return "entry point threw a non-standard exception";
  }
  if (!raw) {
    err.message[sizeof(err.message) - 1] = '\0';
    return std::string("entry point returned an error: ") +
           (err.message[0] ? err.message : "(no message)");
  }
  if (raw->abi_major != abi.major)
    return "ABI major mismatch: plugin wants " + abi_text(raw->abi_major, raw->abi_minor) +
           ", host offers " + abi_text(abi.major, abi.minor);
  if (raw->abi_minor > abi.minor)
    return "ABI minor newer than the host: plugin wants " +
           abi_text(raw->abi_major, raw->abi_minor) + ", host offers " +
           abi_text(abi.major, abi.minor) + " (upgrade connhost)";
  if (raw->struct_size < kMinDescriptorSize || raw->struct_size > kMaxStructSize)
    return "descriptor struct size " + std::to_string(raw->struct_size) +
           " out of range (expected " + std::to_string(kMinDescriptorSize) + " to " +
           std::to_string(kMaxStructSize) + ")";

  auto p = std::make_shared<LoadedPlugin>();
  p->descriptor = copy_sized(raw);
  if (auto problem = check_descriptor(p->descriptor)) return "invalid descriptor: " + *problem;

  const auto& d = p->descriptor;
  p->id.assign(d.id.data, d.id.size);
  p->path = file;
  p->loaded_from = open_path;
  p->loaded_at = std::chrono::system_clock::now();
  if (d.reporting) p->reporting = copy_sized(d.reporting), p->capabilities |= CH_CAP_REPORTING;
  if (d.login) p->login = copy_sized(d.login), p->capabilities |= CH_CAP_LOGIN;
  if (d.messaging) p->messaging = copy_sized(d.messaging), p->capabilities |= CH_CAP_MESSAGING;
  if (d.profile) p->profile = copy_sized(d.profile), p->capabilities |= CH_CAP_PROFILE;
  for (size_t i = 0; i < d.unavailable_count; ++i)
    p->unavailable[d.unavailable[i].capability] =
        std::string(d.unavailable[i].reason.data, d.unavailable[i].reason.size);
  p->library = mapped;
  return p;
}

}  // namespace connhost::plugin
