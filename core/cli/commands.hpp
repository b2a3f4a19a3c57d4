#pragma once

#include <filesystem>
#include <string>

#include "cli/host_context.hpp"

namespace connhost::cli {

int plugins_list(const GlobalOptions& options);
int plugins_describe(const GlobalOptions& options, const std::string& id);
int config_validate(const GlobalOptions& options, const std::filesystem::path& file);
int store_migrate(const GlobalOptions& options);

}  // namespace connhost::cli
