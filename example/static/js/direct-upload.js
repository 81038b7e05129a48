// Sends a file straight to the media store: the server presigns a URL,
// the browser PUTs the bytes there, and the server finalizes the upload,
// checking what arrived. The bytes never pass through the server.
const form = document.getElementById("direct");
const status = document.getElementById("direct-status");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = form.elements.file.files[0];
  if (!file) return;
  try {
    status.textContent = "Uploading…";
    const up = await post("/upload/direct", { name: file.name, size: file.size });
    const sent = await fetch(up.url, {
      method: up.method,
      headers: { "Content-Type": file.type || "application/octet-stream" },
      body: file,
    });
    if (!sent.ok) throw new Error(`the store answered ${sent.status}`);
    const saved = await post("/upload/direct/done", { pending: up.pending });
    location.assign("/upload?name=" + encodeURIComponent(saved.name));
  } catch (err) {
    status.textContent = `The upload failed: ${err.message}`;
  }
});

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error);
  return data;
}
