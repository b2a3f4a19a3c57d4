#pragma once

// A platform's token answer as the vault keeps it: the one translation from plugin::TokenRecord
// (seconds from now) to vault::GrantInput (store timestamps), for every place that stores a
// sign-in: the browser callback, `connhost auth exchange`, the tests.

#include <chrono>
#include <optional>
#include <string>

#include "plugin/instance.hpp"
#include "vault/grants.hpp"

namespace connhost::login {

// `seconds_from_now` after `now`, as store text; nothing when the platform gave no lifetime (or
// a non-positive one).
std::optional<std::string> expiry_at(std::chrono::system_clock::time_point now,
                                     std::optional<int64_t> seconds_from_now);

// The grant of `token` for `connection` and local user `user_id`.
vault::GrantInput grant_input(
    const plugin::TokenRecord& token, std::string connection, int64_t user_id,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace connhost::login
