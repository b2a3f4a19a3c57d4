#pragma once

// `connhost sdk new`: a connector project that builds out of tree against the installed SDK,
// rendered from the SDK's skeleton (sdk/skeleton/, compiled into the binary so the command works
// wherever connhost is installed).

#include <filesystem>
#include <string>
#include <vector>

namespace connhost::sdkgen {

struct ProjectOptions {
  std::string id;             // the plugin id: [a-z][a-z0-9_]*, also the project's file names
  std::string display_name;   // empty: the id, capitalized
  std::string platform;       // empty: the id
  unsigned capabilities = 0;  // CH_CAP_* bits; at least one
};

struct ProjectFile {
  std::filesystem::path path;  // relative to the project folder
  std::string content;
  bool executable = false;
};

// Why `id` cannot name a plugin, or empty when it can.
std::string invalid_id_reason(std::string_view id);

// CH_CAP_* bits from "reporting,login"; throws std::invalid_argument naming an unknown one.
unsigned parse_capabilities(std::string_view list);

// The project's files. Throws std::invalid_argument for a bad id or no capability.
std::vector<ProjectFile> render_project(const ProjectOptions& options);

// Writes the files under `dir`, which must not exist or be empty (nothing is overwritten);
// throws std::runtime_error naming the path otherwise.
void write_project(const std::filesystem::path& dir, const std::vector<ProjectFile>& files);

}  // namespace connhost::sdkgen
