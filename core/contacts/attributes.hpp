#pragma once

// A profile as the contact model keeps it: normalized attribute name -> text value. One header,
// so that normalization, the field policy and the store agree on the type.

#include <map>
#include <string>

namespace connhost::contacts {

using Attributes = std::map<std::string, std::string, std::less<>>;

}  // namespace connhost::contacts
