// `connhost fx load`: the user's dated FX rates into fx_rates. All or nothing: a file with any
// bad line loads nothing, so a half-loaded month never converts silently with gaps.

#include <iostream>

#include "categories/fx.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "store/session.hpp"

namespace connhost::cli {

int fx_load(const GlobalOptions& options, const std::filesystem::path& given) {
  auto ctx = HostContext::open(options);
  if (int rc = ctx.require_host(); rc != kExitOk) return rc;
  std::filesystem::path file = given.empty() ? ctx.host->reporting.fx_file : given;
  if (file.empty()) {
    std::cerr << "connhost: fx load: name a FILE, or set [reporting] fx_file\n";
    return kExitUsage;
  }
  auto parsed = fx::read_csv(file);
  if (!parsed.ok()) {
    for (const auto& e : parsed.errors) std::cerr << e << '\n';
    std::cerr << "connhost: fx load: " << parsed.errors.size() << " error"
              << (parsed.errors.size() == 1 ? "" : "s") << ", nothing loaded\n";
    return kExitFailure;
  }
  try {
    auto store = open_store(*ctx.host);
    store.migrate();
    auto n = fx::load_rates(store.session(), parsed.rates);
    std::string first, last;
    for (const auto& r : parsed.rates) {
      if (first.empty() || r.date < first) first = r.date;
      if (last.empty() || r.date > last) last = r.date;
    }
    std::cout << "loaded " << n << " rates from " << file.string();
    if (n > 0) std::cout << " (" << first << " to " << last << ")";
    std::cout << '\n';
  } catch (const std::exception& e) {
    std::cerr << "connhost: fx load failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace connhost::cli
