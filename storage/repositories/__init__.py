"""One repository per aggregate; the unit of work (storage.uow) exposes them."""
