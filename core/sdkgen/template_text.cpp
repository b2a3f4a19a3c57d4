#include "sdkgen/template_text.hpp"

#include <optional>
#include <stdexcept>

namespace connhost::sdkgen {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "@@if x|y" or "@@endif" after a comment leader; nothing for any other line.
std::optional<std::string_view> directive(std::string_view line) {
  line = trim(line);
  if (line.starts_with("//"))
    line.remove_prefix(2);
  else if (line.starts_with("#"))
    line.remove_prefix(1);
  else
    return std::nullopt;
  line = trim(line);
  if (line.starts_with("@@if ") || line == "@@endif") return line;
  return std::nullopt;
}

bool any_enabled(std::string_view list, const std::set<std::string, std::less<>>& enabled) {
  while (!list.empty()) {
    size_t bar = list.find('|');
    if (enabled.contains(trim(list.substr(0, bar)))) return true;
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return false;
}

std::string substitute(std::string_view line, const std::map<std::string, std::string>& values,
                       size_t line_no) {
  std::string out;
  size_t at = 0;
  while (true) {
    size_t open = line.find("@@", at);
    if (open == std::string_view::npos) break;
    size_t close = line.find("@@", open + 2);
    if (close == std::string_view::npos) break;
    std::string name(line.substr(open + 2, close - open - 2));
    auto it = values.find(name);
    if (it == values.end())
      throw std::invalid_argument("line " + std::to_string(line_no) + ": no value for @@" + name +
                                  "@@");
    out.append(line.substr(at, open - at)).append(it->second);
    at = close + 2;
  }
  out.append(line.substr(at));
  return out;
}

}  // namespace

std::string render_template(std::string_view text, const std::map<std::string, std::string>& values,
                            const std::set<std::string, std::less<>>& enabled) {
  std::string out;
  bool in_block = false, keep = true;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (auto d = directive(line)) {
      if (*d == "@@endif") {
        if (!in_block)
          throw std::invalid_argument("line " + std::to_string(line_no) + ": @@endif without @@if");
        in_block = false, keep = true;
      } else {
        if (in_block)
          throw std::invalid_argument("line " + std::to_string(line_no) + ": nested @@if");
        in_block = true, keep = any_enabled(d->substr(5), enabled);
      }
      continue;
    }
    if (!keep) continue;
    out += substitute(line, values, line_no);
    if (nl != std::string_view::npos) out += '\n';
  }
  if (in_block) throw std::invalid_argument("an @@if is never closed");
  return out;
}

}  // namespace connhost::sdkgen
