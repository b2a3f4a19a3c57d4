#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/table.hpp"

namespace connhost::cli {
namespace {
std::string str(ch_str s) {
  return s.data ? std::string(s.data, s.size) : std::string();
}
}  // namespace

int plugins_list(const GlobalOptions& options) {
  auto ctx = HostContext::open(options);
  Table t({"ID", "VERSION", "ABI", "PLATFORM", "CAPABILITIES", "PATH"});
  for (const auto& p : ctx.registry.plugins())
    t.add({p->id, std::string(p->version()), p->abi_version(), std::string(p->platform()),
           plugin::capability_names(p->capabilities), p->path.string()});
  t.print(std::cout);
  if (ctx.registry.plugins().empty()) std::cout << "(no plugins loaded)\n";
  if (!ctx.registry.refused().empty()) {
    std::cout << "\nrefused:\n";
    for (const auto& r : ctx.registry.refused())
      std::cout << "  " << r.path.string() << ": " << r.reason << '\n';
  }
  return kExitOk;
}

int plugins_describe(const GlobalOptions& options, const std::string& id) {
  auto ctx = HostContext::open(options);
  const auto* p = ctx.registry.find(id);
  if (!p) {
    std::cerr << "connhost: no plugin '" << id << "' is loaded; loaded:";
    for (const auto& q : ctx.registry.plugins()) std::cerr << ' ' << q->id;
    std::cerr << '\n';
    return kExitPluginMissing;
  }
  std::cout << p->id << "  " << p->display_name() << "  version " << p->version() << "  ABI "
            << p->abi_version() << "\nplatform: " << p->platform()
            << "\ncapabilities: " << plugin::capability_names(p->capabilities);
  for (const auto& [cap, reason] : p->unavailable)
    std::cout << "\nunavailable: " << plugin::capability_names(cap) << ": " << reason;
  std::cout << "\npath: " << p->path.string() << "\n\nconfig:\n";
  Table t({"KEY", "TYPE", "REQUIRED", "SECRET", "DEFAULT", "DESCRIPTION"});
  for (size_t i = 0; i < p->descriptor.config_field_count; ++i) {
    const auto& f = p->descriptor.config_fields[i];
    std::string def = f.default_value.data ? str(f.default_value) : "-";
    for (auto& c : def)
      if (c == '\n') c = ',';
    t.add({str(f.key), std::string(plugin::config_type_name(f.type)),
           (f.flags & CH_CONFIG_REQUIRED) ? "yes" : "no",
           (f.flags & CH_CONFIG_SECRET) ? "yes" : "no", def, str(f.doc)});
  }
  t.print(std::cout);
  for (size_t i = 0; i < p->reporting.stream_count; ++i) {
    const auto& s = p->reporting.streams[i];
    std::cout << "\nstream " << str(s.name) << (s.doc.size ? ": " + str(s.doc) : "") << '\n';
    Table c({"COLUMN", "TYPE", "KEY", "NULLABLE", "CURSOR", "DESCRIPTION"});
    for (size_t j = 0; j < s.column_count; ++j) {
      const auto& col = s.columns[j];
      c.add({str(col.name), std::string(plugin::column_type_name(col.type)),
             (col.flags & CH_COLUMN_PRIMARY_KEY) ? "yes" : "",
             (col.flags & CH_COLUMN_NULLABLE) ? "yes" : "",
             (col.flags & CH_COLUMN_CURSOR) ? "yes" : "", str(col.doc)});
    }
    c.print(std::cout);
  }
  return kExitOk;
}

}  // namespace connhost::cli
