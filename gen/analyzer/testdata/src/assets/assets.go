package assets // want package:`assetgen\(4 assets\)`

//go:generate assetgen -dir static
