// PLACEHOLDER (being replaced by the pretty printer).
#include "quiver/array.h"
namespace quiver {
std::string Array::ToString() const { return "<array>"; }
}  // namespace quiver
