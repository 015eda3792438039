// PLACEHOLDER (being replaced by the validation implementation).
#include "quiver/array.h"
namespace quiver {
Status Array::Validate() const { return Status::NotImplemented("validate"); }
Status Array::ValidateFull() const { return Status::NotImplemented("validate"); }
}  // namespace quiver
