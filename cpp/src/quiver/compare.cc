// PLACEHOLDER (being replaced by the compare implementation).
#include "quiver/array.h"
namespace quiver {
bool Array::Equals(const Array&, const EqualOptions&) const { return false; }
bool Array::RangeEquals(const Array&, int64_t, int64_t, int64_t, const EqualOptions&) const { return false; }
}  // namespace quiver
