// GET /me and the profile nodes it resolves to (§2.5): the logged-in user (an app-scoped id),
// the system user behind the preissued token, the Page and its Instagram account. Only `id`
// comes back unless `fields` asks for more (§1.1).
#include <algorithm>

#include "meta/state.hpp"

namespace connhost::sandbox::meta {
namespace {

GraphError no_field(const std::string& field, std::string_view node_type) {
  return invalid_param("(#100) Tried accessing nonexisting field (" + field + ") on node type (" +
                       std::string(node_type) + ")");
}

int dimension(const FieldSpec& f, const std::string& key, int fallback) {
  auto it = f.modifiers.find(key);
  if (it == f.modifiers.end()) return fallback;
  try {
    return std::clamp(std::stoi(it->second), 1, 2048);
  } catch (const std::exception&) {
    return fallback;
  }
}

json::object picture(const std::string& id, const FieldSpec& f) {
  int size = 50;
  if (auto t = f.modifiers.find("type"); t != f.modifiers.end())
    size = t->second == "large" ? 200 : t->second == "normal" ? 100 : 50;
  int w = dimension(f, "width", size), h = dimension(f, "height", w);
  std::string url = "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=" + id +
                    "&height=" + std::to_string(h) + "&width=" + std::to_string(w) +
                    "&ext=1767225600&hash=AbZsandbox";
  return {
      {"data", json::object{{"height", h}, {"is_silhouette", false}, {"url", url}, {"width", w}}}};
}

// The Page's Instagram professional account as an IG User node: the fields Meta's IG User
// reference lists (id, username, name, followers_count, profile_picture_url).
std::optional<json::object> ig_user(std::string_view subfields, GraphError& error) {
  json::object out;
  for (const auto& f : parse_fields(subfields.empty() ? "id" : subfields)) {
    const std::string& n = f.name;
    if (n == "id") {
      out["id"] = kIgAccountId;
    } else if (n == "username") {
      out["username"] = kIgUsername;
    } else if (n == "name") {
      out["name"] = kIgName;
    } else if (n == "followers_count") {
      out["followers_count"] = kIgFollowers;
    } else if (n == "profile_picture_url") {
      out["profile_picture_url"] = "https://scontent.cdninstagram.com/v/t51.2885-19/" +
                                   std::string(kIgAccountId) + "_sandbox.jpg";
    } else {
      error = no_field(n, "IGUser");
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

std::optional<json::object> managed_page(const Token&, const std::string& page_token,
                                         std::string_view fields, GraphError& error) {
  json::object out;
  for (const auto& f : parse_fields(fields)) {
    const std::string& n = f.name;
    if (n == "id") {
      out["id"] = kPageId;
    } else if (n == "name") {
      out["name"] = kPageName;
    } else if (n == "access_token") {
      out["access_token"] = page_token;
    } else if (n == "category") {
      out["category"] = kPageCategory;
    } else if (n == "category_list") {
      out["category_list"] =
          json::array{json::object{{"id", "200600219953504"}, {"name", kPageCategory}}};
    } else if (n == "tasks") {
      out["tasks"] =
          json::array{"ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"};
    } else if (n == "fan_count") {
      out["fan_count"] = kPageFans;
    } else if (n == "followers_count") {
      out["followers_count"] = kPageFollowers;
    } else if (n == "website") {
      out["website"] = kPageWebsite;
    } else if (n == "picture") {
      out["picture"] = picture(std::string(kPageId), f);
    } else if (n == "instagram_business_account") {
      // The Page reference (Instagram Platform, "Page") wants instagram_basic with
      // pages_show_list for this field; the sandbox, as before, answers any Page-listing token.
      auto ig = ig_user(f.subfields, error);
      if (!ig) return std::nullopt;
      out["instagram_business_account"] = std::move(*ig);
    } else {
      error = no_field(n, "Page");
      return std::nullopt;
    }
  }
  if (!out.contains("id")) out["id"] = kPageId;
  return out;
}

Response node_me(Call& c, const Token& t, const std::string& requested) {
  std::string id = requested;
  if (requested == "me") {
    if (t.kind == kAppToken) {
      GraphError e;
      e.code = 2500;
      e.message =
          "An active access token must be used to query information about the current user.";
      return error_response(e);
    }
    id = t.subject;
  }
  bool user = id == kUserId, system = id == kSystemUserId, page = id == kPageId,
       ig = id == kIgAccountId;
  if (!user && !system && !page && !ig)
    return error_response(unsupported_request("GET", requested));
  std::string_view node_type = page ? "Page" : ig ? "IGUser" : "User";
  bool email_granted = std::find(t.scopes.begin(), t.scopes.end(), "email") != t.scopes.end();

  json::object out;
  for (const auto& f : parse_fields(c.params.get("fields").value_or("id"))) {
    const std::string& n = f.name;
    if (n == "id") {
      out["id"] = id;
    } else if (n == "name") {
      out["name"] = user ? kUserName : system ? kSystemUserName : page ? kPageName : kIgName;
    } else if (user && (n == "first_name" || n == "last_name" || n == "short_name")) {
      out[n] = n == "last_name" ? "Sandbox" : "Jane";
    } else if (user && n == "email") {
      if (email_granted && t.subject == id) out["email"] = "jane.sandbox@example.com";
    } else if ((user || system || page) && n == "picture") {
      out["picture"] = picture(id, f);
    } else if (page && n == "category") {
      out["category"] = kPageCategory;
    } else if (ig && n == "username") {
      out["username"] = kIgUsername;
    } else {
      return error_response(no_field(n, node_type));
    }
  }
  if (!out.contains("id")) out["id"] = id;  // Graph always names the node
  return graph_json(out);
}

}  // namespace connhost::sandbox::meta
