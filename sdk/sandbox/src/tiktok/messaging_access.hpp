#pragma once

// Who may touch a Business Account's messages: the tt_user token issued for that account
// (open_id = business_id, notes §3.1), holding the messaging scope the endpoint needs.

#include <algorithm>
#include <string>

#include "tiktok/state.hpp"

namespace connhost::sandbox::tiktok {

// The caller holds s.business.mutex().
inline BusinessAccount& owned_account(State& s, const Token& t, const std::string& business_id,
                                      const char* scope) {
  BusinessAccount* a = s.business.account(business_id);
  if (!a || t.subject != business_id)
    throw ApiError{40001, "No permission to operate business account " + business_id + "."};
  if (std::find(t.scopes.begin(), t.scopes.end(), scope) == t.scopes.end())
    throw ApiError{40001,
                   std::string("The scope ") + scope + " is not authorized for this access token."};
  return *a;
}

}  // namespace connhost::sandbox::tiktok
