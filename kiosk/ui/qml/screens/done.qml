import QtQuick
import "../components"

Item {
    objectName: "screen_done"
    // Scrolls (with a cue) when the text is large: the code, what happened to the paper and the
    // appointment always stay reachable above the navigation bar.
    Flickable {
        id: flick
        anchors.top: parent.top
        anchors.bottom: nav.top
        anchors.bottomMargin: units.mm(3)
        width: parent.width
        contentHeight: layout.height
        boundsBehavior: Flickable.StopAtBounds
        clip: true
        Grid {
            id: layout
            width: flick.width
            columns: portrait ? 1 : 2
            spacing: units.mm(portrait ? 5 : 10)
            Column {
                id: info
                width: portrait ? parent.width : parent.width - slip.width - parent.spacing
                spacing: units.mm(5)
                Heading {
                    objectName: "doneTitle"
                    color: theme.c.text
                    font.pixelSize: units.huge_px
                    text: "✓ " + i18n.t.done_title
                }
                Body { text: i18n.t.done_code_label }
                Text {
                    objectName: "doneCode"
                    color: theme.c.text
                    font.pixelSize: units.huge_px
                    font.bold: true
                    text: done.code
                }
                Rectangle {
                    objectName: "donePrintState"
                    width: parent.width
                    height: ps.implicitHeight + units.mm(6)
                    radius: units.mm(2)
                    color: done.print_state === "failed" ? theme.c.danger : theme.c.surface
                    Body {
                        id: ps
                        anchors.centerIn: parent
                        width: parent.width - units.mm(6)
                        color: done.print_state === "failed" ? theme.c.danger_text : theme.c.text
                        text: done.print_state === "printing" ? i18n.t.done_printing
                              : done.print_state === "printed" ? i18n.t.done_printed
                              : i18n.t.done_print_failed
                    }
                }
                Body {
                    objectName: "officerNotice"
                    visible: done.officer_notified
                    font.bold: true
                    text: i18n.t.done_officer_called
                }
                KButton {
                    objectName: "reprintButton"
                    visible: done.print_state === "failed"
                    text: i18n.t.done_reprint
                    onClicked: done.reprint()
                }
                Rectangle {
                    objectName: "doneAppointmentBox"
                    width: parent.width
                    height: appt.implicitHeight + units.mm(8)
                    color: theme.c.surface
                    border.color: theme.c.border
                    border.width: units.mm(0.5)
                    radius: units.mm(2)
                    Column {
                        id: appt
                        anchors.centerIn: parent
                        width: parent.width - units.mm(8)
                        spacing: units.mm(2)
                        Body {
                            text: i18n.t.done_appointment_label
                            font.bold: true
                        }
                        Text {
                            objectName: "doneAppointment"
                            width: parent.width
                            wrapMode: Text.WordWrap
                            color: theme.c.text
                            font.pixelSize: units.huge_px * 0.8
                            font.bold: true
                            text: done.appointment
                        }
                        Body {
                            objectName: "doneHours"
                            text: done.facts.hours || ""
                        }
                        Body {
                            objectName: "doneWhere"
                            text: done.facts.where || ""
                        }
                        Body {
                            objectName: "doneFee"
                            text: done.facts.fee || ""
                        }
                    }
                }
            }
            Rectangle {
                id: slip
                width: units.mm(80)
                readonly property real room: portrait ? flick.height - info.height - layout.spacing
                                                      : flick.height
                readonly property real fit: slipImage.sourceSize.height * (width - units.mm(4))
                                            / Math.max(1, slipImage.sourceSize.width) + units.mm(4)
                height: Math.min(room, fit)
                visible: room > units.mm(60)  // too small to read: the printed slip is in the hand
                color: "#FFFFFF"
                border.color: theme.c.border
                border.width: units.mm(0.5)
                Image {
                    id: slipImage
                    objectName: "slipImage"
                    anchors.fill: parent
                    anchors.margins: units.mm(2)
                    fillMode: Image.PreserveAspectFit
                    cache: false
                    source: done.slip_url
                }
            }
        }
    }
    ScrollHint { flick: flick }
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        showBack: false
        nextText: i18n.t.nav_finish
        nextEnabled: done.print_state !== "printing"
        onNext: flow.next()
    }
}
