#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

namespace connhost::cli {

int config_validate(const GlobalOptions& global, const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    std::cerr << file.string() << ": no such file\n";
    return kExitConfigInvalid;
  }
  GlobalOptions options = global;
  options.config_file = file;
  auto ctx = HostContext::open(options);
  auto result = config::load_file(file, ctx.schema_lookup());
  for (const auto& r : ctx.registry.refused())
    std::cerr << "warning: plugin refused: " << r.path.string() << ": " << r.reason << '\n';
  if (!result.ok()) {
    for (const auto& e : result.errors) std::cerr << e.to_string() << '\n';
    std::cerr << file.string() << ": " << result.errors.size() << " error"
              << (result.errors.size() == 1 ? "" : "s") << '\n';
    return kExitConfigInvalid;
  }
  const auto& c = *result.config;
  std::cout << file.string() << ": ok (" << c.connections.size() << " connection"
            << (c.connections.size() == 1 ? "" : "s") << ", " << c.pipelines.size() << " pipeline"
            << (c.pipelines.size() == 1 ? "" : "s") << ", store " << c.store.backend << ")\n";
  return kExitOk;
}

}  // namespace connhost::cli
