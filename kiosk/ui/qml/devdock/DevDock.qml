import QtQuick
import "../admin"

// Testers' controls beside a simulated kiosk. Each button is one `kiosk ctl` command; the last
// command and its answer show at the bottom so it can be copied into a script.
Window {
    id: dockWin
    objectName: "devDockWindow"
    width: units.mm(150)
    height: units.mm(300)
    visible: true
    color: theme.c.background
    title: adminI18n.t.dock_title

    readonly property real fontPx: units.mm(3.6)
    component Heading: Text {
        color: theme.c.text
        font.pixelSize: dockWin.fontPx * 1.1
        font.bold: true
    }
    component DButton: AButton {
        fontPx: dockWin.fontPx
        minWidth: units.mm(14)
        minHeight: units.mm(9)
    }
    component Field: Rectangle {
        property alias text: input.text
        property alias inputName: input.objectName
        property string label: ""
        width: parent ? parent.width : units.mm(60)
        height: units.mm(9)
        radius: units.mm(1)
        color: theme.c.background
        border.color: input.activeFocus ? theme.c.focus : theme.c.border
        border.width: units.mm(0.4)
        TextInput {
            id: input
            anchors.fill: parent
            anchors.margins: units.mm(1.5)
            verticalAlignment: TextInput.AlignVCenter
            clip: true
            color: theme.c.text
            font.pixelSize: dockWin.fontPx
            Accessible.role: Accessible.EditableText
            Accessible.name: parent.label
        }
        Text {
            anchors.fill: parent
            anchors.margins: units.mm(1.5)
            verticalAlignment: Text.AlignVCenter
            visible: input.text.length === 0 && !input.activeFocus
            color: theme.c.muted
            font.pixelSize: dockWin.fontPx
            font.italic: true
            text: parent.label
        }
    }

    Flickable {
        id: flick
        anchors.fill: parent
        anchors.margins: units.mm(3)
        contentWidth: width
        contentHeight: col.implicitHeight
        clip: true

        Column {
            id: col
            width: flick.width
            spacing: units.mm(2)

            Text {
                objectName: "dockDevices"
                width: parent.width
                wrapMode: Text.WordWrap
                color: theme.c.text
                font.pixelSize: dockWin.fontPx
                text: dock.devices.map(function (d) { return d.text }).join(" · ")
                      + "\n" + adminI18n.t.dock_clock + ": " + dock.now
                      + (dock.link ? " · " + adminI18n.t.dock_link + ": " + dock.link : "")
            }

            Heading { text: adminI18n.t.dock_qr }
            Grid {
                width: parent.width
                columns: 2
                spacing: units.mm(1.5)
                Repeater {
                    model: dock.samples
                    DButton {
                        required property var modelData
                        objectName: "dock_qr_sample_" + modelData.n
                        width: (col.width - units.mm(1.5)) / 2
                        kind: "secondary"
                        text: modelData.label
                        onClicked: dock.qr_sample(modelData.n)
                    }
                }
            }
            Row {
                width: parent.width
                spacing: units.mm(2)
                Field {
                    id: qrText
                    width: parent.width - qrSend.width - units.mm(2)
                    inputName: "dock_qr_text"
                    label: adminI18n.t.dock_qr_text
                }
                DButton {
                    id: qrSend
                    objectName: "dock_qr_send"
                    text: adminI18n.t.dock_show
                    onClicked: dock.qr_text(qrText.text)
                }
            }

            Heading { text: adminI18n.t.dock_vneid }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                Repeater {
                    model: 3
                    DButton {
                        required property int index
                        objectName: "dock_vneid_" + (index + 1)
                        kind: "secondary"
                        text: adminI18n.t.dock_vneid_sample.replace("%1", index + 1)
                        onClicked: dock.vneid(String(index + 1))
                    }
                }
                DButton {
                    objectName: "dock_vneid_unknown"
                    kind: "secondary"
                    text: adminI18n.t.dock_vneid_unknown
                    onClicked: dock.vneid("unknown")
                }
            }

            Heading { text: adminI18n.t.dock_pages }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                DButton {
                    objectName: "dock_feed_1"
                    text: adminI18n.t.dock_feed_1
                    onClicked: dock.feed(1, false)
                }
                DButton {
                    objectName: "dock_feed_3"
                    text: adminI18n.t.dock_feed_3
                    onClicked: dock.feed(3, false)
                }
                DButton {
                    objectName: "dock_feed_seal"
                    text: adminI18n.t.dock_feed_seal
                    onClicked: dock.feed(1, true)
                }
            }
            Row {
                width: parent.width
                spacing: units.mm(2)
                Field {
                    id: files
                    width: parent.width - feedFiles.width - units.mm(2)
                    inputName: "dock_files"
                    label: adminI18n.t.dock_files
                }
                DButton {
                    id: feedFiles
                    objectName: "dock_feed_files"
                    text: adminI18n.t.dock_feed_files
                    onClicked: dock.feed_files(files.text)
                }
            }

            Heading { text: adminI18n.t.device_printer }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                Repeater {
                    model: ["ok", "no_paper", "cover_open", "not_answering"]
                    DButton {
                        required property string modelData
                        objectName: "dock_printer_" + modelData
                        kind: modelData === "ok" ? "ok" : "danger"
                        text: adminI18n.t["dock_printer_" + modelData]
                        onClicked: dock.printer(modelData)
                    }
                }
            }

            Heading { text: adminI18n.t.device_scanner + " · " + adminI18n.t.device_camera }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                Repeater {
                    model: ["ok", "jammed", "feeder_empty", "cover_open"]
                    DButton {
                        required property string modelData
                        objectName: "dock_scanner_" + modelData
                        kind: modelData === "ok" ? "ok" : "danger"
                        text: adminI18n.t["dock_scanner_" + modelData]
                        onClicked: dock.scanner(modelData)
                    }
                }
                DButton {
                    objectName: "dock_camera_unplug"
                    kind: "danger"
                    text: adminI18n.t.dock_camera_unplug
                    onClicked: dock.camera("unplug")
                }
                DButton {
                    objectName: "dock_camera_plug"
                    kind: "ok"
                    text: adminI18n.t.dock_camera_plug
                    onClicked: dock.camera("plug")
                }
            }

            Heading { text: adminI18n.t.dock_link }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                Repeater {
                    model: dock.link_modes
                    DButton {
                        required property string modelData
                        objectName: "dock_link_" + modelData
                        kind: "secondary"
                        selected: dock.link === modelData
                        text: adminI18n.t["dock_link_" + modelData]
                        onClicked: dock.set_link(modelData)
                    }
                }
            }

            Heading { text: adminI18n.t.dock_gateway }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                Repeater {
                    model: dock.codes
                    DButton {
                        required property string modelData
                        required property int index
                        objectName: "dock_code_" + index
                        kind: "secondary"
                        selected: gwCode.text === modelData
                        text: modelData
                        onClicked: gwCode.text = modelData
                    }
                }
            }
            Field {
                id: gwCode
                inputName: "dock_gateway_code"
                label: adminI18n.t.dock_gateway_code
            }
            Field {
                id: gwNote
                inputName: "dock_gateway_note"
                label: adminI18n.t.dock_gateway_note
            }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                Repeater {
                    model: dock.gateway_states
                    DButton {
                        required property string modelData
                        objectName: "dock_gateway_" + modelData
                        text: modelData
                        onClicked: dock.gateway_status(gwCode.text, modelData, gwNote.text)
                    }
                }
            }

            Heading { text: adminI18n.t.dock_clock }
            Flow {
                width: parent.width
                spacing: units.mm(1.5)
                Repeater {
                    model: [[60, "dock_clock_1m"], [600, "dock_clock_10m"], [3600, "dock_clock_1h"],
                            [86400, "dock_clock_1d"]]
                    DButton {
                        required property var modelData
                        objectName: "dock_clock_" + modelData[0]
                        kind: "secondary"
                        text: adminI18n.t[modelData[1]]
                        onClicked: dock.clock(modelData[0])
                    }
                }
            }

            Rectangle {
                objectName: "dockLast"
                visible: dock.last.length > 0
                width: parent.width
                height: lastText.implicitHeight + units.mm(3)
                radius: units.mm(1.5)
                color: dock.last_ok ? theme.c.surface : theme.c.danger
                Text {
                    id: lastText
                    anchors.centerIn: parent
                    width: parent.width - units.mm(3)
                    wrapMode: Text.WrapAnywhere
                    color: dock.last_ok ? theme.c.text : theme.c.danger_text
                    font.family: "monospace"
                    font.pixelSize: dockWin.fontPx * 0.9
                    text: dock.last
                }
            }
        }
    }
}
