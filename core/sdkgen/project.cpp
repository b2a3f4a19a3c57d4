#include "sdkgen/project.hpp"

#include <connhost/abi.h>

#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <system_error>

#include "sdkgen/skeleton.hpp"
#include "sdkgen/template_text.hpp"

namespace connhost::sdkgen {
namespace {

namespace fs = std::filesystem;

struct Capability {
  std::string_view name;
  unsigned bit;
  std::string_view constant;  // in connector.hpp
};
constexpr Capability kCapabilities[] = {
    {"reporting", CH_CAP_REPORTING, "connhost::kReporting"},
    {"login", CH_CAP_LOGIN, "connhost::kLogin"},
    {"messaging", CH_CAP_MESSAGING, "connhost::kMessaging"},
    {"profile", CH_CAP_PROFILE, "connhost::kProfile"},
};

// acme_ads -> AcmeAdsConnector
std::string class_name(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out + "Connector";
}

// acme_ads -> Acme Ads
std::string display_from_id(std::string_view id) {
  std::string out;
  bool upper = true;
  for (char c : id) {
    if (c == '_') {
      out += ' ';
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

// The skeleton's file names that depend on the project.
fs::path target_path(std::string_view skeleton_path, std::string_view id) {
  if (skeleton_path == "src/connector.cpp")
    return fs::path("src") / (std::string(id) + "_connector.cpp");
  return fs::path(skeleton_path);
}

}  // namespace

std::string invalid_id_reason(std::string_view id) {
  if (id.empty()) return "the name is empty";
  if (id.size() > 32) return "the name is longer than 32 characters";
  if (id[0] < 'a' || id[0] > 'z') return "the name must start with a lower-case letter";
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return std::string(
                 "the name may hold only a-z, 0-9 and _ (it becomes the plugin id and a "
                 "C++ class name), not '") +
             c + "'";
  return {};
}

unsigned parse_capabilities(std::string_view list) {
  unsigned caps = 0;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    const Capability* found = nullptr;
    for (const auto& c : kCapabilities)
      if (c.name == name) found = &c;
    if (!found)
      throw std::invalid_argument("unknown capability '" + std::string(name) +
                                  "' (reporting, login, messaging, profile)");
    caps |= found->bit;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return caps;
}

std::vector<ProjectFile> render_project(const ProjectOptions& o) {
  if (auto why = invalid_id_reason(o.id); !why.empty())
    throw std::invalid_argument("cannot use '" + o.id + "': " + why);
  if (o.capabilities == 0) throw std::invalid_argument("choose at least one capability");

  std::set<std::string, std::less<>> enabled;
  std::string caps, names;
  for (const auto& c : kCapabilities) {
    if (!(o.capabilities & c.bit)) continue;
    enabled.emplace(c.name);
    caps += (caps.empty() ? "" : " | ") + std::string(c.constant);
    names += (names.empty() ? "" : ", ") + std::string(c.name);
  }
  const std::map<std::string, std::string> values{
      {"ID", o.id},
      {"CLASS", class_name(o.id)},
      {"DISPLAY", o.display_name.empty() ? display_from_id(o.id) : o.display_name},
      {"PLATFORM", o.platform.empty() ? o.id : o.platform},
      {"CAPS", caps},
      {"CAPNAMES", names},
  };

  std::vector<ProjectFile> out;
  for (const auto& f : skeleton_files()) {
    ProjectFile p;
    p.path = target_path(f.path, o.id);
    try {
      p.content = render_template(f.content, values, enabled);
    } catch (const std::invalid_argument& e) {
      // A broken skeleton is this build's bug, not the user's: say which file.
      throw std::logic_error("sdk/skeleton/" + std::string(f.path) + ": " + e.what());
    }
    p.executable = p.path.extension() == ".sh";
    out.push_back(std::move(p));
  }
  return out;
}

void write_project(const fs::path& dir, const std::vector<ProjectFile>& files) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
    throw std::runtime_error(dir.string() +
                             " already exists and is not an empty folder; choose "
                             "another with --dir");
  for (const auto& f : files) {
    fs::path target = dir / f.path;
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      throw std::runtime_error("cannot create " + target.parent_path().string() + ": " +
                               ec.message());
    std::ofstream out(target, std::ios::binary);
    out << f.content;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + target.string());
    if (f.executable)
      fs::permissions(target,
                      fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add, ec);
  }
}

}  // namespace connhost::sdkgen
