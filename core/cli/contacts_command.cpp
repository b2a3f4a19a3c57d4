// `connhost contacts ...` (docs/contacts.md).
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace connhost::cli {

void add_contacts_commands(CLI::App& app, const GlobalOptions& g, int& rc,
                           const std::function<void()>& finish) {
  (void)app, (void)g, (void)rc, (void)finish;
}

}  // namespace connhost::cli
