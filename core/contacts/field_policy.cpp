#include "contacts/field_policy.hpp"
