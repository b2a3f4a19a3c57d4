// `connhost sdk new NAME`: writes a connector project (sdkgen/project.hpp) and says what to do
// next. Needs no configuration, store or plugins.
#include <iostream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "sdkgen/project.hpp"

namespace connhost::cli {

int sdk_new(const SdkNewOptions& o) {
  sdkgen::ProjectOptions p{.id = o.name, .display_name = o.display_name, .platform = o.platform};
  std::vector<sdkgen::ProjectFile> files;
  try {
    p.capabilities = sdkgen::parse_capabilities(o.capabilities);
    files = sdkgen::render_project(p);
  } catch (const std::invalid_argument& e) {
    std::cerr << "connhost: sdk new: " << e.what() << '\n';
    return kExitUsage;
  }
  const std::filesystem::path dir = o.dir.empty() ? std::filesystem::path(o.name) : o.dir;
  try {
    sdkgen::write_project(dir, files);
  } catch (const std::exception& e) {
    std::cerr << "connhost: sdk new: " << e.what() << '\n';
    return kExitFailure;
  }
  for (const auto& f : files) std::cout << "  wrote " << (dir / f.path).string() << '\n';
  std::cout << "\nNext:\n"
            << "  cd " << dir.string() << "\n"
            << "  cmake -S . -B build -G Ninja -DCMAKE_PREFIX_PATH=<where connhost is installed>\n"
            << "  cmake --build build && ctest --test-dir build --output-on-failure\n"
            << "The guide: docs/writing-a-connector.md (installed under share/doc/connhost).\n";
  return kExitOk;
}

}  // namespace connhost::cli
