// Start GOV.UK Frontend's components (show/hide password, error summary focus, etc.).
import { initAll } from '/govuk/govuk-frontend.min.js'

initAll()

// The job-status page pattern: poll the job's JSON and update the progress text.
const jobStatus = document.querySelector('[data-job-status-url]')
if (jobStatus) {
  const url = jobStatus.getAttribute('data-job-status-url')
  const bar = jobStatus.querySelector('progress')
  const message = jobStatus.querySelector('[data-job-message]')
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } })
      if (response.ok) {
        const status = await response.json()
        bar.value = status.progress
        bar.textContent = `${status.progress}%`
        message.textContent = `${status.progress}% – ${status.message}`
        if (status.finished) {
          window.location.reload()
          return
        }
      }
    } catch (error) {
      // Network trouble: keep the page as it is; the Refresh link still works.
    }
    window.setTimeout(poll, 1500)
  }
  window.setTimeout(poll, 1500)
}
