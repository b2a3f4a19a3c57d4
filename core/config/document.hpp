#pragma once

// Private to connhost_config: the parsed TOML file and the error list the section readers share.
// It includes TOML++, so only this library's .cpp files include it.

#include <toml++/toml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace connhost::config::detail {

using Names = std::vector<std::string>;

std::string join(const Names& items, std::string_view sep = ", ");
bool contains(const Names& items, std::string_view s);
// [a-z][a-z0-9_-]*: connection and pipeline names.
bool valid_name(std::string_view s);
// `path.key`, the key quoted when it is not bare, so that a key path can be pasted back.
std::string child(const std::string& path, std::string_view key);
// "string", "integer", "float", ... as the TOML spec names them.
std::string type_name(const toml::node& n);

class Document {
 public:
  // `label` names the file in diagnostics; `dir` anchors relative paths.
  Document(std::string label, std::filesystem::path dir, std::string_view text);

  // Parses the text; on a syntax error records it and returns nullopt.
  std::optional<toml::table> parse();

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path resolve(std::string_view path) const;

  SourcePos pos(const toml::source_region& r) const;
  void error(const toml::source_region& r, std::string key_path, std::string message);
  // Every error so far, in file order.
  std::vector<Diagnostic> take_errors();

  // Reports every key of `tbl` not in `known`, with a suggestion.
  void check_keys(const toml::table& tbl, const std::string& path, const Names& known);
  // The sub-table `key` of `parent`, or null when it is absent or (reported) not a table.
  const toml::table* table_at(const toml::table& parent, std::string_view key,
                              const std::string& parent_path = "");
  // The table of [connections.NAME] / [pipelines.NAME], the name checked; null if not a table.
  const toml::table* named_table(const toml::key& k, const toml::node& v, const std::string& path,
                                 std::string_view kind);

  // A string in which references are not allowed.
  std::optional<std::string> plain_string(const toml::node& n, const std::string& path);
  // A plain string that must be one of `choices`.
  std::optional<std::string> choice(const toml::node& n, const std::string& path,
                                    const Names& choices, std::string_view what);
  // A value written as a reference: parsed and checked to be resolvable. Never quotes the value.
  // Grant references (the vault's tokens) only where `allow_grant` says so: connections' secrets.
  std::optional<SecretRef> reference(const std::string& value, const toml::node& n,
                                     const std::string& path, bool allow_grant = false);
  // Reports a reference where none is allowed; true when the value holds none.
  bool no_reference(const std::string& value, const toml::node& n, const std::string& path);

  // A float in the ABI's encoding: finite, as written when possible.
  std::optional<std::string> finite_double(const toml::node& n, const std::string& path);
  // An array of plain strings, joined by '\n' as the ABI passes lists.
  std::optional<std::string> string_list(const toml::array& arr, const std::string& path);

 private:
  std::string_view source_text(const toml::source_region& r) const;

  std::string label_;
  std::filesystem::path dir_;
  std::string_view text_;
  std::vector<size_t> line_starts_;
  std::vector<Diagnostic> errors_;
};

// What a pipeline needs to know of the connection it names.
struct ConnectionInfo {
  std::string plugin;
  std::optional<PluginSchema> schema;  // empty: no lookup, or the plugin is unknown
};
using ConnectionIndex = std::map<std::string, ConnectionInfo, std::less<>>;

// [connections.*]: each connection, its settings checked against its plugin's schema when
// `lookup` is given. Fills `index` for the pipelines.
std::vector<Connection> read_connections(Document& doc, const toml::table* t,
                                         const SchemaLookup& lookup, ConnectionIndex& index);

// [pipelines.*], checked against the connections and what their plugins declare.
std::vector<Pipeline> read_pipelines(Document& doc, const toml::table* t,
                                     const ConnectionIndex& index);

// [contacts] and [contacts.fields].
void read_contacts(Document& doc, const toml::table* t, ContactsSettings& contacts);

// [alerts] and [alerts.rules.*].
void read_alerts(Document& doc, const toml::table* t, AlertsSettings& alerts);

}  // namespace connhost::config::detail
