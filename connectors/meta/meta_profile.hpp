// The businesses a Meta user manages, for the profile capability's "business_profile" records
// (abi.h, ABI 1.2): the Pages of GET /me/accounts and the Instagram business account linked to
// each. Pure: no Call, no I/O.
//
// Graph reference: User Accounts, "the Facebook Pages that a person owns or is able to perform
// tasks on" (https://developers.facebook.com/docs/graph-api/reference/user/accounts), needs
// pages_show_list; a Page's instagram_business_account (Instagram Platform reference, "Page":
// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/page)
// needs instagram_basic as well. Fields are asked for explicitly (meta-google.md §1.1); picture
// expands to {data:{url}} as the user's does (§2.5).
#pragma once

#include <connhost/connector.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meta_requests.hpp"

namespace meta::profile {

using Fields = std::vector<std::pair<std::string, std::string>>;

// What the grant lets us read: Pages with pages_show_list, their Instagram accounts with
// instagram_basic too.
struct Reach {
  bool pages = false;
  bool instagram = false;
};
Reach reach_of(const std::vector<std::string>& scopes);

// GET /me/accounts with the fields a business profile uses, 100 Pages a request.
std::string pages_url(const Settings& s, bool instagram);

struct PagesPage {
  // One business_profile record's fields per Page, then per linked Instagram account.
  std::vector<Fields> businesses;
  std::string next;  // paging.next, absolute; empty on the last page
};
// The edge's answer. Graph errors as meta::login::login_error (190: re-authorize); a `next` that
// leaves the Graph host is refused, since following it would send the user's token elsewhere.
PagesPage parse_pages(int status, std::string_view body, const Settings& s);

}  // namespace meta::profile
