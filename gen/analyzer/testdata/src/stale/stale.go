package stale // want package:`assetgen\(2 assets\)`
