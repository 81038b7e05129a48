// Marks the page as scripted, to show the script loaded by its hashed URL.
document.documentElement.dataset.js = "loaded";
document.getElementById("status").textContent = "app.js loaded from " + document.currentScript.src;
