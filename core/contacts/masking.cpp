#include "contacts/masking.hpp"
